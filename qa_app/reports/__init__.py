"""Executive reports: quality, questions, reviewers, operations, coaching; exports."""
