"""What each event says: ids, the few facts a receiving system acts on, and a
link to the page. Never transcripts or answers: the receiver can ask the API."""

from __future__ import annotations

from typing import Any

from qa_app.models import CalibrationSession, Dispute, Evaluation


def evaluation(e: Evaluation) -> dict[str, Any]:
    return {
        "evaluation_id": e.id,
        "kind": e.kind,
        "interaction_id": e.interaction_id,
        "agent_id": e.agent_id,
        "reviewer_id": e.reviewer_id,
        "total": e.total,
        "submitted_at": e.submitted_at,
        "link": f"/feedback/evaluations/{e.id}",
    }


def dispute(d: Dispute) -> dict[str, Any]:
    return {
        "dispute_id": d.id,
        "evaluation_id": d.evaluation_id,
        "agent_id": d.agent_id,
        "status": d.status,
        "outcome": d.outcome,
        "total_before": d.total_before,
        "total_after": d.total_after,
        "link": f"/feedback/disputes/{d.id}",
    }


def calibration(s: CalibrationSession) -> dict[str, Any]:
    return {
        "session_id": s.id,
        "title": s.title,
        "revealed_at": s.revealed_at,
        "link": f"/calibration/{s.id}",
    }


def flags(target: str, model_version: int, raised: list[dict[str, Any]]) -> dict[str, Any]:
    return {"target": target, "model_version": model_version, "flags": raised}
