"""Calibration sessions: several reviewers score the same interactions blind,
then the facilitator reveals the answers side by side with the agreement
statistics of the pure ``calibration`` package, and records a consensus."""
