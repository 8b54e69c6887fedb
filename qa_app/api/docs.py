"""The OpenAPI document and a reference page rendered from it by our own
template: no CDN, no script, so the page keeps the strict CSP."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from qa_app.access import public

bp = Blueprint("api_docs", __name__)


def spec() -> dict[str, Any]:
    return current_app.extensions["qa_api"].spec.to_dict()


@bp.route("/api/v1/openapi.json")
@public
def openapi_json():
    return jsonify(spec())


@bp.route("/api/v1/docs")
@public
def reference():
    document = spec()
    return render_template(
        "api/reference.html",
        spec=document,
        operations=operations(document),
        schemas=document.get("components", {}).get("schemas", {}),
    )


METHODS = ("get", "post", "put", "patch", "delete")


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation with its parameters, body and responses, references
    resolved to schema names, grouped in path order for the page."""
    out = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": f"{method}-{path}".replace("/", "-").strip("-"),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tags": op.get("tags", []),
                    "parameters": [*item.get("parameters", []), *op.get("parameters", [])],
                    "body": schema_name(body.get("schema")),
                    "responses": [
                        (code, _response(document, value))
                        for code, value in op.get("responses", {}).items()
                    ],
                }
            )
    return out


def _response(document: dict[str, Any], value: dict[str, Any]) -> dict[str, str]:
    if "$ref" in value:
        name = value["$ref"].rsplit("/", 1)[-1]
        value = document.get("components", {}).get("responses", {}).get(name, {})
    content = value.get("content", {}).get("application/json", {})
    return {
        "description": value.get("description", ""),
        "schema": schema_name(content.get("schema")),
    }


def schema_name(schema: dict[str, Any] | None) -> str:
    """``{"$ref": ".../Evaluation"}`` -> ``Evaluation``; arrays as ``[Item]``."""
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{schema_name(schema.get('items')) or 'any'}]"
    return str(schema.get("type", "object"))
