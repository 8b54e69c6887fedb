"""Fuzzing the scorecard import pages: any uploaded file gives a page with the
problems (422) or a saved draft, never a 500, never a half-saved scorecard."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Scorecard
from qa_app.scorecards import services
from tests.fuzzing import budget, encode, tried
from tests.qa_app.helpers import csrf_token
from tests.scorecards.test_fuzz_load import texts

files = st.one_of(
    st.binary(max_size=2000),
    st.tuples(texts(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"])).map(
        lambda pair: encode(*pair)
    ),
)


@pytest.fixture
def executive(client_as):
    """One signed-in client for all examples of a test, with its CSRF token."""
    signed = client_as("executive")
    signed.token = csrf_token(signed, "/")
    return signed


def _post(client, path: str, data: dict):
    return client.post(
        path, data={"csrf_token": client.token, **data}, content_type="multipart/form-data"
    )


def _cards() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(func.count()).select_from(Scorecard))


@given(data=files, name=st.sampled_from(["card.yaml", "card.json", "card", "<x>.yml"]))
@budget(80)
def test_new_scorecard_from_any_file(app, executive, data, name):
    tried("page POST /scorecards/new (YAML/JSON file)")
    before = _cards()
    start = services.starting_points()[0][0]
    response = _post(
        executive,
        "/scorecards/new",
        {"name": "Fuzzed", "start": start, "file": (io.BytesIO(data), name)},
    )
    assert response.status_code in (302, 422), response.status_code
    assert _cards() == before + (1 if response.status_code == 302 else 0)
    if response.status_code == 422:
        assert "problem" in response.get_data(as_text=True).lower() or "not" in (
            response.get_data(as_text=True)
        )


@given(data=files)
@budget(80)
def test_import_into_a_draft_from_any_file(app, executive, make, data):
    tried("page POST /scorecards/<id>/import (YAML/JSON file)")
    card = db.session.scalar(db.select(Scorecard).where(Scorecard.name == "Fuzz target"))
    if card is None:
        card = make.scorecard(versions=0)
        card.name = "Fuzz target"
        db.session.commit()
    page = executive.get(f"/scorecards/{card.id}/edit").get_data(as_text=True)
    lock = re.search(r'name="lock_version" type="hidden" value="([^"]*)"', page)
    before = json.dumps(db.session.get(Scorecard, card.id).draft_definition, sort_keys=True)
    response = _post(
        executive,
        f"/scorecards/{card.id}/import",
        {"file": (io.BytesIO(data), "card.yaml"), "lock_version": lock.group(1) if lock else ""},
    )
    assert response.status_code in (302, 409, 422), response.status_code
    db.session.rollback()
    after = json.dumps(db.session.get(Scorecard, card.id).draft_definition, sort_keys=True)
    if response.status_code != 302:
        assert after == before


def test_an_upload_naming_a_server_file_is_not_read_from_disk(app, executive):
    """A one-line file "…/x.yaml" was once read as a path on the server."""
    before = _cards()
    response = _post(
        executive,
        "/scorecards/new",
        {"name": "Sneaky", "start": services.starting_points()[0][0],
         "file": (io.BytesIO(b"scorecards/library/inbound_support_call.yaml"), "x.yaml")},
    )  # fmt: skip
    assert response.status_code == 422 and _cards() == before
