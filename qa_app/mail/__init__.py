"""Outgoing e-mail: per-person preferences per notification kind, unsubscribe
links, messages queued with their notification and sent by the job queue."""
