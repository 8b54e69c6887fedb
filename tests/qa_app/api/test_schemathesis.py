"""A bounded property-based run of schemathesis against the generated OpenAPI
document: for every operation, generated requests (valid and invalid) sent
with a valid token never cause a 500, and every response matches the document
(status code, content type, body schema, headers).

schemathesis's own pytest integration (``schemathesis.pytest.from_fixture``)
fails on pytest 9.2 (it rewrites a node attribute pytest no longer has), so
each operation is driven here through its Hypothesis strategy instead: the
same generation and the same checks (``case.call_and_validate``).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config._checks import PositiveDataAcceptanceConfig
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from qa_app import create_app
from qa_app.api import tokens
from qa_app.calibration import services as calibration
from tests.qa_app.api.support import submitted
from tests.qa_app.calibration.support import ALL_YES, build
from tests.qa_app.helpers import TEST_CONFIG

# Bounded: a few examples per operation and mode keeps the run well under a minute.
MAX_EXAMPLES = 10
# "Valid data is accepted", except where validity needs the database: a cursor
# string that fits the schema but names no position (400 invalid_cursor), and
# well-formed batch items for agents that do not exist (422 items_invalid).
ACCEPTED = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]
# "Invalid data is rejected", except for the batch upsert: in partial mode a batch
# with bad items is accepted by design (200, the good items written, the bad ones
# listed in `errors`), so that one check cannot apply to it.
PARTIAL_BY_DESIGN = {("POST", "/api/v1/interactions")}


def _cases() -> list[tuple[str, str, GenerationMode]]:
    """(METHOD, path, mode) for every documented operation, read without a
    database; negative mode only where there is an input to get wrong."""
    app = create_app(TEST_CONFIG | {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    paths = app.extensions["qa_api"].spec.to_dict()["paths"]
    out = []
    for path, item in paths.items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            out.append((method.upper(), path, GenerationMode.POSITIVE))
            if op.get("parameters") or op.get("requestBody") or item.get("parameters"):
                out.append((method.upper(), path, GenerationMode.NEGATIVE))
    return out


@pytest.fixture
def api_schema(app, users, make):
    """The app with something in every table the API reads, and its document."""
    card = make.scorecard()
    for _ in range(3):
        submitted(users["reviewer"], make.interaction(users["agent"]), card.versions[0])
    calib = build(make, users, items=1, reviewers=1)
    calib.submit(calib.reviewers[0], 0, ALL_YES)
    calibration.reveal(calib.facilitator, calib.session)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    secret = tokens.create(users["admin"], "fuzz").secret
    schema.config.update(headers={"Authorization": f"Bearer {secret}"})
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=ACCEPTED
    )
    return schema


@pytest.mark.parametrize(("method", "path", "mode"), _cases())
def test_the_api_honours_its_document(api_schema, method, path, mode):
    operation = api_schema.find_operation_by_path(method, path)
    assert operation is not None
    excluded = [negative_data_rejection] if (method, path) in PARTIAL_BY_DESIGN else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(excluded_checks=excluded)

    run()
