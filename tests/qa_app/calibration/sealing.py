"""An open calibration session whose participants wrote recognisable text: the
sealing tests look for that text in every answer the application gives.

Each author's text carries their own marker, so a test can say whose words
leaked: participant A submitted, then edited (an ``evaluation.edited`` audit
event with before and after); participant C only saved a draft; the
facilitator scored the benchmark and edited it too. Participant B submitted
plain answers: B is "another participant" looking at A's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from qa_app.calibration import services
from qa_app.extensions import db
from qa_app.models import Evaluation, User, utcnow
from qa_app.reviews import evaluations
from tests.qa_app.calibration.support import ALL_YES, Calib, build

MARK_A = "SEALED-MARKER-A"  # participant A: submitted, then edited
MARK_C = "SEALED-MARKER-C"  # participant C: a draft
MARK_KEY = "SEALED-MARKER-KEY"  # the facilitator's benchmark, edited
MARKERS = (MARK_A, MARK_C, MARK_KEY)


@dataclass
class Sealed:
    calib: Calib
    a: User
    b: User
    c: User
    mine: Evaluation  # A's submitted and edited evaluation
    draft: Evaluation  # C's draft
    key: Evaluation  # the benchmark

    @property
    def interaction_id(self) -> int:
        return self.calib.interactions[0].id

    def authors(self) -> dict[str, int]:
        """Marker -> the id of the only user who may read it before the reveal."""
        return {MARK_A: self.a.id, MARK_C: self.c.id, MARK_KEY: self.calib.facilitator.id}

    def reveal(self) -> None:
        """Reveal at the deadline (C never submitted): the product's late reveal."""
        session = self.calib.session
        session.deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
        services.reveal(self.calib.facilitator, session)


def _texts(marker: str, n: int) -> dict:
    return {
        "answers": ALL_YES | {"notes": f"{marker}-note-{n}"},
        "comments": {"greet": f"{marker}-comment-{n}"},
        "comment": f"{marker}-overall-{n}",
    }


def _write(user: User, evaluation: Evaluation, marker: str, n: int, *, submit: bool) -> Evaluation:
    texts = _texts(marker, n)
    return evaluations.save(
        user,
        evaluation,
        texts["answers"] | ({"tone": "3"} if n > 1 else {}),
        comments=texts["comments"],
        comment=texts["comment"],
        lock_version=evaluation.lock_version,
        submit=submit,
    ).evaluation


def build_sealed(make, users) -> Sealed:
    """One interaction, three participants, the executive facilitating."""
    calib = build(make, users, items=1, reviewers=3)
    a, b, c = calib.reviewers
    session, item = calib.session, calib.interactions[0].id
    mine = _write(a, services.start(a, session, item, "calibration"), MARK_A, 1, submit=True)
    mine = _write(a, mine, MARK_A, 2, submit=False)  # an edit of the submitted evaluation
    calib.submit(b, 0, ALL_YES)
    draft = _write(c, services.start(c, session, item, "calibration"), MARK_C, 1, submit=False)
    key = services.start(calib.facilitator, session, item, "benchmark")
    key = _write(calib.facilitator, key, MARK_KEY, 1, submit=True)
    key = _write(calib.facilitator, key, MARK_KEY, 2, submit=False)
    return Sealed(calib, a, b, c, mine, draft, key)
