"""Uncached time of each report tab on the bench database (a computed page, a MISS).

Signs in as the demo executive and times each tab three times with
``REPORT_MAX_AGE`` 0 (every request computes its figures); prints the median.

    python bench/time_pages.py [/reports/ /reports/reviewers ...]

``BENCH_DATABASE_URL`` overrides the database (default: the local ``bench``).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from qa_app import create_app

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
PAGES = [
    "/reports/",
    "/reports/questions",
    "/reports/reviewers",
    "/reports/operations",
    "/reports/coaching",
    "/reports/evaluations",
    "/reports/review",
]


def main(pages: list[str]) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": URL,
            "REPORT_MAX_AGE": 0,
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "CACHE_TYPE": "SimpleCache",
            "REPORT_FILTER_LIST_SECONDS": 0,
        }
    )
    client = app.test_client()
    login = {"email": "exec@demo.example", "password": "demo-password-2026"}
    response = client.post("/auth/login", data=login)
    assert response.status_code == 302, response.status_code
    for page in pages:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            response = client.get(page)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        runs = ", ".join(f"{t:.0f}" for t in times)
        print(f"{page:35s} {statistics.median(times):8.1f} ms  (runs {runs})")


if __name__ == "__main__":
    main(sys.argv[1:] or PAGES)
