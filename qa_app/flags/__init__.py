"""Flagging in the application: training and activating models, scoring
interactions, the flagged queue and the reviewers' answers that become labels."""
