"""The API's blueprint class: flask-smorest's, with a JSON body parser that
answers every undecodable body with 400 and a message.

webargs catches only ``JSONDecodeError``; a number of more than Python's
4,300 digits (ValueError) or an array nested 100,000 deep (RecursionError)
escaped it as a 500. The body is decoded by ``request_args.parse_json``, the
one decoder of JSON from outside.
"""

from __future__ import annotations

from typing import Any

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from qa_app.api.errors import fail
from qa_app.request_args import ArgumentError, parse_json


class BodyParser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        if not data.strip():
            return core.missing  # as webargs: no body, no arguments (then "required")
        try:
            return parse_json(data)
        except ArgumentError as exc:
            fail(400, str(exc), code="invalid_json")


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = BodyParser()
