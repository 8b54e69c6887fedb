"""Webhooks: admins register HTTPS endpoints per event kind; each event is
delivered signed, by a job, with retries, and recorded."""
