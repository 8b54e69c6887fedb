import statistics
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from qa_app import create_app

app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:5432/bench", "REPORT_MAX_AGE": 0,
                  "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False, "CACHE_TYPE": "SimpleCache", "REPORT_FILTER_LIST_SECONDS": 0})
c = app.test_client()
email = "exec@demo.example"
r = c.post("/auth/login", data={"email": email, "password": "demo-password-2026"})
assert r.status_code == 302, r.status_code
pages = sys.argv[1:] or ["/reports/", "/reports/questions", "/reports/reviewers", "/reports/operations", "/reports/coaching", "/reports/evaluations", "/reports/review"]
for p in pages:
    times = []
    for _ in range(3):
        t = time.perf_counter(); resp = c.get(p); times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, (p, resp.status_code)
    print(f"{p:35s} {statistics.median(times):8.1f} ms  (runs {', '.join(f'{x:.0f}' for x in times)})")
