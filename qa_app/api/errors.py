"""One error body for everything under /api/:

    {"code": "machine_readable", "message": "For a person.", "errors": {...}}

``errors`` is present when there are details per field (webargs/marshmallow
messages) or per item (a batch upsert's rejected items). The handler in
``qa_app.errors`` calls ``response`` for every error on an /api/ path, whether
raised by ``abort``, by flask-smorest's argument parsing or by an unexpected
exception, so a client never has to parse two shapes.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import jsonify
from flask_smorest import abort as smorest_abort
from werkzeug.exceptions import HTTPException

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
}
MESSAGES = {
    400: "The request could not be understood.",
    401: "Send a valid API token: 'Authorization: Bearer <token>'.",
    403: "Your role does not give access to this resource.",
    404: "There is no such resource, or it is not visible to you.",
    405: "This resource does not accept that method.",
    409: "The resource is not in a state that allows this.",
    413: "The request is larger than this server accepts.",
    415: "Send the body as application/json.",
    422: "Some of the input is not valid.",
    429: "Too many requests; slow down and retry later.",
    500: "Something went wrong on our side. Nothing was half-saved.",
}


def fail(status: int, message: str, *, code: str | None = None, errors: Any = None) -> NoReturn:
    """Abort with an API error carrying a specific code and message."""
    data: dict[str, Any] = {"message": message}
    if code:
        data["code"] = code
    if errors is not None:
        data["errors"] = errors
    smorest_abort(status, **data)
    raise AssertionError("unreachable")  # pragma: no cover


def body(status: int, exc: HTTPException | None = None, message: str | None = None) -> dict:
    data = getattr(exc, "data", None) or {}
    payload: dict[str, Any] = {
        "code": data.get("code") or CODES.get(status, f"http_{status}"),
        "message": data.get("message") or message or MESSAGES.get(status, "Error"),
    }
    errors = data.get("errors", data.get("messages"))
    if errors:
        payload["errors"] = _plain(errors)
    return payload


def response(status: int, exc: HTTPException | None = None, message: str | None = None):
    headers = dict((getattr(exc, "data", None) or {}).get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    return jsonify(body(status, exc, message)), status, headers


def _plain(errors: Any) -> Any:
    """webargs nests messages by location ({"json": {...}}); keep them, but make
    sure every key is a string so the body is valid JSON with stable keys."""
    if isinstance(errors, dict):
        return {str(key): _plain(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [_plain(value) for value in errors]
    return errors
