"""The REST API (v1) under /api/v1: bearer tokens, flask-smorest resources,
and an OpenAPI 3 document generated from the code.

Routes live in one small module per resource; they parse with the schemas in
``schemas`` and call the features' own services, so the API applies the same
checks and the same visibility rules as the pages.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from qa_app.api import schemas
from qa_app.extensions import csrf

DESCRIPTION = """\
Read and write the QA platform's data with a personal API token.

Create a token on the **API tokens** page (your name menu), then send it with every
request: `Authorization: Bearer <token>`. The token acts as its user: the same role
rules as the pages apply, and it stops working when revoked, expired, or when its
user is deactivated. The API never reads the session cookie.

Lists are paged by cursor: pass `next_cursor` of one page as `cursor` to get the
next; `null` means the end. Every error has the same body:
`{"code": "machine_readable", "message": "...", "errors": {...}}`.
"""


class QaApi(Api):
    """flask-smorest's Api with our error body documented, and no error handler
    of its own: ``qa_app.errors`` answers every error, pages and API alike."""

    ERROR_SCHEMA = schemas.ErrorSchema

    def _register_error_handlers(self) -> None:
        return None


def init_app(app: Flask) -> None:
    from qa_app.api import (
        autoqa,
        calibration,
        docs,
        evaluations,
        flags,
        interactions,
        recordings,
        scorecards,
        token_routes,
    )

    app.config.setdefault("API_TITLE", "QA Platform API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {"info": {"description": DESCRIPTION}, "security": [{"bearerAuth": []}]},
    )
    app.config.setdefault("API_BATCH_LIMIT", schemas.BATCH_LIMIT)
    api = QaApi(app)
    app.extensions["qa_api"] = api
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A personal API token (qat_...)."},
    )
    api.spec.components.schema("InteractionItem", schema=schemas.InteractionItem)
    for module in (interactions, recordings, evaluations, scorecards, calibration, flags, autoqa):
        csrf.exempt(module.blp)  # bearer only: see qa_app.api.auth
        api.register_blueprint(module.blp)
    # Items are checked by the import's parser, not by marshmallow (List of Raw);
    # the document still tells clients what an item looks like.
    upsert = api.spec.components.schemas["UpsertRequest"]["properties"]["items"]
    upsert["items"] = {"$ref": "#/components/schemas/InteractionItem"}
    app.register_blueprint(docs.bp)
    app.register_blueprint(token_routes.bp)
