"""The agents' side of quality review: their feedback page, acknowledgement,
disputes (and the queue where another reviewer or an executive resolves
them), coaching sessions, and the figures behind them.

``services`` and ``coaching`` hold the workflow, ``stats`` the aggregates,
``routes`` the pages. Every score goes through ``qa_app.reviews.evaluations``.
"""
