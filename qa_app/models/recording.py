"""Call recordings: the file lives in the recordings folder, the row says which
file, its checksum, what it holds, and what was made from it (a transcript,
call measures, the spans silenced by audio redaction)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qa_app.extensions import db
from qa_app.models.types import JSONType, UTCDateTime, utcnow

if TYPE_CHECKING:
    from qa_app.models.interaction import Interaction


class Recording(db.Model):
    __tablename__ = "recordings"
    __table_args__ = (
        CheckConstraint("channels IN (1, 2)", name="channels"),
        CheckConstraint(
            "agent_channel IS NULL OR agent_channel IN ('left', 'right')", name="agent_channel"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One recording per interaction: a new upload replaces the old file.
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), unique=True
    )
    # A random name in the recordings folder; never shown, never derived from input.
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    mime: Mapped[str] = mapped_column(String(40))
    codec: Mapped[str] = mapped_column(String(20))
    sample_rate: Mapped[int]
    channels: Mapped[int]
    duration_s: Mapped[float]
    agent_channel: Mapped[str | None] = mapped_column(String(5))  # None: mono
    original_name: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The transcription: the job that makes it, and the last complete result
    # ([{speaker, start, end, text, words: [{start, end, text}]}], redacted).
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    transcript_model: Mapped[str | None] = mapped_column(String(200))
    transcribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # [[start_s, end_s, token], ...]: spoken card numbers / ids, silenced in the file.
    silenced: Mapped[list[list[Any]]] = mapped_column(JSONType, default=list)
    measures: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    interaction: Mapped[Interaction] = relationship()

    def __repr__(self) -> str:
        return f"<Recording {self.id} of interaction {self.interaction_id}>"
