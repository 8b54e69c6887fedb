"""One message over SMTP (standard library only), and what a failure means.

A refusal with a 5xx code (no such mailbox, rejected sender, message refused)
is permanent: retrying would be refused again, so the delivery fails at once
with the server's words. Anything else (a 4xx code, no connection, a timeout)
is temporary and retried.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

SECURITY = ("none", "starttls", "tls")


class PermanentError(Exception):
    """The server refused the message for good."""


class TemporaryError(Exception):
    """The message may go through later."""


def check_settings(cfg: Mapping[str, Any]) -> None:
    """Refuse a start with a mistyped MAIL_SECURITY rather than fail each send."""
    security = str(cfg.get("MAIL_SECURITY") or "").lower()
    if cfg.get("MAIL_HOST") and security not in SECURITY:
        raise ValueError(f"MAIL_SECURITY must be one of {', '.join(SECURITY)}, not {security!r}")


def build(
    cfg: Mapping[str, Any], to: str, subject: str, text: str, html: str, unsubscribe: str | None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = cfg["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=str(cfg["MAIL_FROM"]).rpartition("@")[2].strip(">"))
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(cfg: Mapping[str, Any], message: EmailMessage) -> None:
    """Send ``message``; PermanentError or TemporaryError says how it failed."""
    host, port = cfg["MAIL_HOST"], int(cfg.get("MAIL_PORT") or 25)
    timeout = float(cfg.get("MAIL_TIMEOUT") or 20)
    security = str(cfg.get("MAIL_SECURITY") or "none").lower()
    try:
        if security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if cfg.get("MAIL_USERNAME"):
                client.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
            refused = client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise _classify(*next(iter(exc.recipients.values()))) from exc
    except smtplib.SMTPResponseException as exc:
        raise _classify(exc.smtp_code, exc.smtp_error) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryError(f"{type(exc).__name__}: {exc}") from exc
    if refused:  # some recipients refused (we send to one, so only in theory)
        raise _classify(*next(iter(refused.values())))


def _classify(code: int, text: bytes | str) -> Exception:
    words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    reason = f"SMTP {code}: {words}"
    return PermanentError(reason) if 500 <= code < 600 else TemporaryError(reason)
