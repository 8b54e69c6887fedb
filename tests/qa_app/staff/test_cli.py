"""``flask metrics review``: the page's table as CSV, with the definitions printed."""

import csv
import io


def test_the_review_is_written_as_csv_with_the_pages_columns(october, runner, tmp_path):
    target = tmp_path / "review.csv"
    result = runner.invoke(args=["metrics", "review", "--period", "2026-10", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 agents for 2026-10" in result.output
    assert "fcr: First-contact resolution" in result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    ann = next(r for r in rows if r["Agent"] == "Ann Agent")
    assert (ann["Team"], ann["Volume"], ann["AHT"], ann["FCR"], ann["CSAT n"]) == (
        "Support",
        "4",
        "305",
        "33.3%",
        "2",
    )


def test_a_bad_period_is_refused_and_nothing_written(app, runner, tmp_path):
    target = tmp_path / "review.csv"
    result = runner.invoke(args=["metrics", "review", "--period", "2026-13", str(target)])
    assert result.exit_code == 2
    assert "give a month like 2026-10" in result.output
    assert not target.exists()
