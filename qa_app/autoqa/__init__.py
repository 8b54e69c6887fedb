"""AutoQA in the application: stored auto-answers, per-question models and
their agreement with people, the auto-QA score, the page, commands and jobs.
The maths is in the pure ``autoqa`` package."""
