"""The signature of a delivery: HMAC-SHA256, keyed with the endpoint's secret,
of ``timestamp + "." + body``; sent as ``X-QA-Signature: sha256=<hex>`` with
``X-QA-Timestamp: <unix seconds>``. A receiver recomputes it over the raw body,
compares in constant time, and refuses old timestamps (replays by a third party)."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: str) -> str:
    message = f"{timestamp}.{body}".encode()
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(secret: str, timestamp: int, body: str) -> dict[str, str]:
    return {"X-QA-Timestamp": str(timestamp), "X-QA-Signature": signature(secret, timestamp, body)}
