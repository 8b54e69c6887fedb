"""Operational metrics for the executive's review: first-contact resolution,
handle time, CSAT, rates with their intervals, what drives the outcomes, and
trend alerts with false-discovery control.

Pure package: never imports Flask, SQLAlchemy or qa_app; pandas in, plain
data out.
"""

from metrics.alerts import Scan, scan, weekly_counts
from metrics.contacts import FCR_WINDOW_DAYS, first_contact_resolved, handle_seconds
from metrics.drivers import Driver, drivers
from metrics.figures import MIN_RESPONSES, Figure, change, mean, rank_within, share, top_box

__all__ = [
    "FCR_WINDOW_DAYS",
    "MIN_RESPONSES",
    "Driver",
    "Figure",
    "Scan",
    "change",
    "drivers",
    "first_contact_resolved",
    "handle_seconds",
    "mean",
    "rank_within",
    "scan",
    "share",
    "top_box",
    "weekly_counts",
]
