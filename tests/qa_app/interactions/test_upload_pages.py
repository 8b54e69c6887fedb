"""The two-step import in the browser: upload, see every problem, then confirm."""

import csv
import io
import re

from sqlalchemy import func
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from qa_app.extensions import db
from qa_app.interactions import importer
from qa_app.models import Interaction
from tests.qa_app.helpers import csrf_token, post_form
from tests.qa_app.interactions.support import csv_bytes, jsonl_bytes, row


def count() -> int:
    return db.session.scalar(db.select(func.count()).select_from(Interaction))


def upload(client, data: bytes, name: str = "calls.csv", **fields):
    return post_form(
        client,
        "/interactions/import",
        {"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def token_of(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return re.search(r"/interactions/import/([\w-]+)$", response.headers["Location"]).group(1)


def test_upload_shows_a_preview_with_every_problem_and_writes_nothing(client_as):
    admin = client_as("admin")
    rows = [row(n) for n in range(1, 13)] + [row(13, csat="7"), row(14, channel="<b>fax</b>")]
    token = token_of(upload(admin, csv_bytes(rows)))
    page = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert "12 data row" not in page and "14 data rows read" in page
    assert page.count("<tr><td>") == 2  # both problems, one table row each
    assert "<td>14</td><td>csat</td><td>7 is out of range" in page
    assert "Unknown channel &#39;&lt;b&gt;fax&lt;/b&gt;&#39;" in page  # escaped
    preview_rows = re.search(r'data-testid="preview-rows".*?</table>', page, re.S).group(0)
    assert preview_rows.count("<tr>") == 11  # header + the first 10 rows
    assert count() == 0


def test_confirm_imports_and_a_second_confirm_writes_nothing_more(client_as):
    admin = client_as("admin")
    token = token_of(upload(admin, csv_bytes([row(1), row(2)]), source="crm"))
    first = post_form(admin, f"/interactions/import/{token}", {}, follow_redirects=True)
    assert "created 2, updated 0, rejected 0" in first.get_data(as_text=True)
    again = post_form(admin, f"/interactions/import/{token}", {}, follow_redirects=True)
    assert "nothing was written again" in again.get_data(as_text=True)
    assert count() == 2
    sources = set(db.session.scalars(db.select(Interaction.source)))
    assert sources == {"crm"}


def test_the_source_defaults_to_the_file_name(client_as):
    admin = client_as("executive")
    token = token_of(upload(admin, csv_bytes([row(1)]), name="march calls.csv"))
    post_form(admin, f"/interactions/import/{token}", {})
    assert db.session.scalar(db.select(Interaction.source)) == "march_calls"


def test_confirm_with_problems_writes_nothing_and_can_be_retried_with_partial(client_as):
    admin = client_as("admin")
    token = token_of(upload(admin, csv_bytes([row(1), row(2, csat="9")])))
    refused = post_form(admin, f"/interactions/import/{token}", {})
    assert refused.status_code == 422
    assert "Nothing was imported: 1 row has problems that no option fixes" in (
        refused.get_data(as_text=True)
    )
    assert count() == 0
    done = post_form(
        admin, f"/interactions/import/{token}", {"partial": "y"}, follow_redirects=True
    )
    assert "created 1, updated 0, rejected 1" in done.get_data(as_text=True)
    rejects = admin.get(f"/interactions/import/{token}/rejects")
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    lines = rejects.get_data(as_text=True).splitlines()
    assert lines[0].endswith(",row,problems")
    assert lines[-1].endswith(",3,csat: 9 is out of range; CSAT is a whole number from 1 to 5.")


def _import_button(page: str) -> str:
    return re.search(r'<button class="btn btn-primary" type="submit"[^>]*>Import</button>', page)[0]


def test_import_is_disabled_saying_why_until_the_options_let_every_row_in(client_as):
    """A file with problems no option fixes: Import waits for "partial"; the
    server refuses the same post before any job starts (it used to fail)."""
    from qa_app.models import Job

    admin = client_as("admin")
    token = token_of(upload(admin, csv_bytes([row(1), row(2, csat="9")])))
    page = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert "disabled" in _import_button(page)
    note = re.search(r'data-testid="import-blocked">(.*?)</p>', page, re.S).group(1)
    assert "1 row has problems that no option fixes" in note and "Import the good rows" in note
    assert 'data-unfixable="1"' in page
    refused = post_form(admin, f"/interactions/import/{token}", {"create_agents": "y"})
    assert refused.status_code == 422 and count() == 0
    assert db.session.scalar(db.select(func.count()).select_from(Job)) == 0
    clean = token_of(upload(admin, csv_bytes([row(3)])))
    assert "disabled" not in _import_button(
        admin.get(f"/interactions/import/{clean}").get_data(True)
    )


def test_rows_missing_only_an_agent_or_team_need_those_options_ticked(client_as):
    admin = client_as("admin")
    data = csv_bytes([row(1, agent_email="new@example.test", team="Nights"), row(2)])
    token = token_of(upload(admin, data))
    page = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert 'data-unfixable="0"' in page and 'data-needs="create_agents create_teams"' in page
    note = re.search(r'data-testid="import-blocked">(.*?)</p>', page, re.S).group(1)
    assert "Create missing agents" in note and "Create missing teams" in note
    half = post_form(admin, f"/interactions/import/{token}", {"create_agents": "y"})
    assert half.status_code == 422 and "Create missing teams" in half.get_data(as_text=True)
    assert count() == 0
    options = {"create_agents": "y", "create_teams": "y"}
    done = post_form(admin, f"/interactions/import/{token}", options, follow_redirects=True)
    assert "created 2" in done.get_data(as_text=True) and count() == 2


def test_options_create_missing_agents_and_teams(client_as):
    admin = client_as("admin")
    data = csv_bytes([row(1, agent_email="new@example.test", team="Nights")])
    token = token_of(upload(admin, data))
    page = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert "No user has the e-mail new@example.test" in page and "There is no team" in page
    options = {"create_agents": "y", "create_teams": "y"}
    done = post_form(admin, f"/interactions/import/{token}", options, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "created 1" in text and "Teams created: Nights." in text


def test_another_users_token_is_not_found(client_as):
    token = token_of(upload(client_as("admin"), csv_bytes([row(1)])))
    other = client_as("executive")
    assert other.get(f"/interactions/import/{token}").status_code == 404
    assert post_form(other, f"/interactions/import/{token}", {}).status_code == 404
    assert other.get(f"/interactions/import/{token}/rejects").status_code == 404
    assert other.get("/interactions/import/../../etc/passwd").status_code == 404
    assert count() == 0


def test_an_upload_over_the_size_limit_gets_the_friendly_413_page(app, client_as):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    admin = client_as("admin")
    # The body is built here, in memory: the test client would spool a large
    # multipart body to a temporary file and leave it open when the server refuses.
    fields = {
        "csrf_token": csrf_token(admin, "/"),
        "file": FileStorage(io.BytesIO(b"x" * (1024 * 1024)), "big.csv"),
    }
    boundary, body = encode_multipart(fields)
    response = admin.post(
        "/interactions/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert "The upload is larger than the 1 MiB limit." in response.get_data(as_text=True)


def test_a_file_of_unknown_type_is_refused_on_the_form(client_as):
    response = upload(client_as("admin"), b"a,b\n", name="calls.xlsx")
    assert response.status_code == 422
    assert "Cannot tell the format from the name" in response.get_data(as_text=True)


def test_a_file_without_the_required_columns_cannot_be_confirmed(client_as):
    admin = client_as("admin")
    token = token_of(upload(admin, b"external_id,channel\r\nx,call\r\n"))
    page = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert "The header row lacks required column(s): agent_email, started_at." in page
    assert 'type="submit" data-once>Import<' not in page


def test_a_header_with_a_repeated_column_is_an_error_not_ready_to_import(client_as):
    admin = client_as("admin")
    header = ",".join(["external_id", "channel", "agent_email", "started_at"]
                      + ["external_id"] * 10_000)  # fmt: skip
    token = token_of(upload(admin, (header + "\r\n").encode()))
    page = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert "ready to import" not in page
    assert "The header row names a column more than once: &#39;external_id&#39; 10,001" in page
    assert 'type="submit" data-once>Import<' not in page
    assert post_form(admin, f"/interactions/import/{token}", {}).status_code == 422
    assert count() == 0


def test_a_file_with_thousands_of_problems_is_checked_once_and_shown_in_pages(
    client_as, monkeypatch
):
    """A 19 MB file with 160,000 problems was an 18.7 MB page, parsed again on every view."""
    admin = client_as("admin")
    rows = (
        [row(n, csat="9") for n in range(1, 1201)]
        + [row(n, channel="fax") for n in range(1201, 2701)]
        + [row(n, channel="fax", csat="0") for n in range(2701, 3001)]
        + [row(n) for n in range(3001, 3006)]
    )
    token = token_of(upload(admin, csv_bytes(rows)))
    first = admin.get(f"/interactions/import/{token}")
    page = first.get_data(as_text=True)
    assert len(first.data) < 200_000
    assert "3,000 of 3,005 rows have problems (3,300 in all)" in page
    kinds = re.search(r'data-testid="problem-kinds".*?</table>', page, re.S).group(0)
    counts = re.findall(r'<th scope="row"[^>]*>(\w+)</th><td class="text-end">([\d,]+)<', kinds)
    assert counts == [("channel", "1,800"), ("csat", "1,500")]
    assert page.count("<tr><td>") == 100
    assert "Problems 1 to 100 of 3,300 (page 1 of 10)." in page  # 1,000 kept; the file has all

    def parse_again(*args, **kwargs):
        raise AssertionError("the upload was parsed again")

    monkeypatch.setattr(importer, "preview_file", parse_again)
    second = admin.get(f"/interactions/import/{token}?page=2").get_data(as_text=True)
    assert "Problems 101 to 200 of 3,300 (page 2 of 10)." in second
    huge = admin.get(f"/interactions/import/{token}?page=99999999999")
    assert huge.status_code == 400 and "page: must be a whole number" in huge.get_data(True)
    past = admin.get(f"/interactions/import/{token}?page=50").get_data(as_text=True)
    assert "(page 10 of 10)" in past  # past the last page: the last
    tenth = admin.get(f"/interactions/import/{token}?page=10").get_data(as_text=True)
    assert "The rest are in the rejects file." in tenth

    rejects = admin.get(f"/interactions/import/{token}/rejects")
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(rejects.get_data(as_text=True))))
    assert len(lines) == 3000 and [int(r["row"]) for r in lines] == list(range(2, 3002))
    problems = "\n".join(r["problems"] for r in lines)
    assert (problems.count("csat: "), problems.count("channel: ")) == (1500, 1800)
    assert count() == 0


def test_a_clean_file_has_no_rejects_to_download(client_as):
    admin = client_as("admin")
    token = token_of(upload(admin, csv_bytes([row(1)])))
    assert "ready to import" in admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert admin.get(f"/interactions/import/{token}/rejects").status_code == 404


def test_a_jsonl_file_is_checked_the_same_way(client_as):
    admin = client_as("admin")
    objects = [row(n, csat="9") for n in range(1, 251)] + [{"external_id": "a", "external_id2": 1}]
    data = jsonl_bytes(objects) + b'{"external_id": "x", "external_id": "y"}\n'
    token = token_of(upload(admin, data, name="calls.jsonl"))
    page = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert "252 of 252 rows have problems" in page
    # csat and transcript (a string, not a list of turns) on each of 250 lines; 3 + 1 more
    assert "Problems 1 to 100 of 504 (page 1 of 6)." in page
    rejects = admin.get(f"/interactions/import/{token}/rejects").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(rejects)))
    assert len(rows) == 252
    assert (
        rows[-1]["problems"]
        == "The key 'external_id' appears more than once in this line; each may appear once."
    )
