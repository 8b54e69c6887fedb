"""``flask interactions import``: a summary line, the problems, and an exit code
a script can trust."""

from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Interaction
from tests.qa_app.interactions.support import csv_bytes, jsonl_bytes, row


def count() -> int:
    return db.session.scalar(db.select(func.count()).select_from(Interaction))


def test_a_clean_import_prints_the_summary_and_succeeds(runner, users, tmp_path):
    path = tmp_path / "march.csv"
    path.write_bytes(csv_bytes([row(1), row(2)]))
    result = runner.invoke(args=["interactions", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("created 2, updated 0, rejected 0")
    assert set(db.session.scalars(db.select(Interaction.source))) == {"march"}
    again = runner.invoke(args=["interactions", "import", str(path), "--source", "march"])
    assert again.output.strip().endswith("created 0, updated 2, rejected 0")


def test_problems_are_listed_and_nothing_imported_exits_non_zero(runner, users, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(1), row(2, channel="fax"), row(3, csat="x")]))
    result = runner.invoke(args=["interactions", "import", str(path)])
    assert result.exit_code == 1
    assert "row 3, channel: Unknown channel 'fax'; use call, chat or email." in result.output
    assert "row 4, csat: 'x' is not a number; CSAT is 1 to 5 or empty." in result.output
    assert "created 0, updated 0, rejected 2" in result.output
    assert "Nothing was imported: 2 problem(s)." in result.output
    assert count() == 0


def test_partial_with_options_and_a_rejects_path(runner, users, tmp_path):
    path = tmp_path / "calls.data"
    path.write_bytes(
        jsonl_bytes(
            [
                {"external_id": "1", "channel": "chat", "agent_email": "new@example.test",
                 "team": "Nights", "started_at": "2026-01-01T08:00:00+00:00"},
                {"external_id": "2", "channel": "chat", "agent_email": "new@example.test",
                 "started_at": "2026-01-01T08:00:00"},
            ]
        )
    )  # fmt: skip
    rejects = tmp_path / "rejected.csv"
    args = ["interactions", "import", str(path), "--format", "jsonl", "--partial",
            "--create-agents", "--create-teams", "--rejects", str(rejects)]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Agents created (inactive): 1" in result.output
    assert "Teams created: Nights" in result.output
    assert f"Rejected rows written to {rejects}" in result.output
    assert "created 1, updated 0, rejected 1" in result.output
    assert "row 2, started_at: '2026-01-01T08:00:00' has no UTC offset" in result.output
    assert rejects.exists()


def test_more_than_fifty_problems_are_summarised(runner, users, tmp_path):
    path = tmp_path / "many.csv"
    path.write_bytes(csv_bytes([row(n, channel="fax") for n in range(60)]))
    result = runner.invoke(args=["interactions", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.count("Unknown channel") == 50
    assert "... and 10 more problems." in result.output


def test_a_file_whose_format_cannot_be_told_is_a_usage_error(runner, tmp_path):
    path = tmp_path / "calls.xlsx"
    path.write_bytes(b"x")
    result = runner.invoke(args=["interactions", "import", str(path)])
    assert result.exit_code == 2
    assert "Cannot tell the format" in result.output
