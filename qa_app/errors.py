"""Friendly error pages for people, JSON bodies for API clients."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from qa_app.extensions import db
from qa_app.request_args import BadArgument

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in first.",
    403: "Your role does not give access to this page.",
    404: "There is nothing here. The link may be wrong, or the item was removed.",
    405: "This page does not accept that kind of request.",
    409: "Someone else changed this in the meantime.",
    413: "The upload is larger than this server accepts.",
    422: "Some of the input is not valid.",
    500: "Something went wrong on our side. Nothing you submitted was half-saved.",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(code: int, message: str, exc: HTTPException | None = None):
    if request.path.startswith("/api/"):
        from qa_app.api import errors as api_errors

        return api_errors.response(code, exc, None if exc is not None else message)
    if _wants_json():
        return jsonify(error={"code": code, "message": message}), code
    return render_template("errors/error.html", code=code, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(
            400,
            f"The form had expired or was not sent by this site ({exc.description}). "
            "Reload the page and try again; your input was not saved.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            return _render(
                413, f"The upload is larger than the {limit // (1024 * 1024)} MiB limit.", exc
            )
        if isinstance(exc, BadArgument):  # says which parameter, and what is wrong
            return _render(code, exc.description or MESSAGES[400], exc)
        return _render(code, MESSAGES.get(code, exc.description or "Error"), exc)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        db.session.rollback()
        return _render(500, MESSAGES[500])
