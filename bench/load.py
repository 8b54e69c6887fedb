"""Benchmark: the application under gunicorn on PostgreSQL, driven over loopback.

Run: ``.venv/bin/python bench/load.py [--database NAME] [--users 50] [--duration 60]``.
Not part of the test run. ``BENCH_DATABASE_URL`` (default
postgresql://postgres@127.0.0.1:5432/postgres) names a server. Without
``--database`` the script builds a fresh database there (``bench/load_data.py``:
migrations, the demo organisation scaled to 200 reviewers, 1,090,000
interactions, 1,000,000 submitted evaluations with about 19 answers each, report
roll-ups rebuilt; tens of minutes) and drops it afterwards; ``--database NAME``
builds NAME if it does not exist, reuses it if it does (dropping drafts left by
earlier runs and adding ``--queue`` open assignments per reviewer), and keeps it.
``--build-only`` stops once the database is ready.

It starts two gunicorns with the repository's ``gunicorn.conf.py`` (production
configuration: ``QA_ENV=production``, cookies not marked Secure since loopback
has no TLS): the application, and ``bench/hello.py``, a bare Flask view. Then,
from this process:

1. the mix: ``--users`` reviewers (pausing ``--think`` s between actions),
   ``--agents`` agents and ``--executives`` executives (``--other-think`` s:
   they open a page now and then, reviewers work all day), each signed in with
   their own session, for ``--warmup`` then ``--duration`` seconds (only the
   latter measured); executives move between the seven report pages with a
   seeded mix of filters (``load_client.py``'s docstring describes it);
2. the integrity check: evaluations the server confirmed as submitted, against
   the evaluations the database holds as submitted since the run began (exit 1
   on any difference: a lost or duplicated submit);
3. throughput: ``--users`` sessions load one scoring page each, back to back,
   for ``--saturate`` seconds; then the same against hello, with the same
   connection handling (``Connection: close`` unless ``--keepalive``).
   Each throughput phase also prints the CPU one request cost on each side
   (this client, the gunicorn workers, the database's backends; ``cpu_meter.py``):
   on one machine the three share the cores, so this says where the time goes.

Targets: every report page p50 < 100 ms and p95 < 300 ms, scoring page p95 < 100
ms and submit p95 < 150 ms with 50 reviewers, 10 agents and 5 executives at work,
no errors (the closing table, one line per page, and a line naming what was met
and missed); scoring page throughput >= 1/3 of hello's. Where the application
marks a stored (cached) report result with an ``X-Cache: HIT``/``MISS`` header,
the table shows the share of stored results per page.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import requests
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cpu_meter
from load_client import TABS, Recorder, ReportMix, User, hammer
from load_data import ROOT, accounts, build, flask, interactions_for, report_choices, top_up

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGETS = {"scoring page": 100.0, "submit": 150.0}  # p95, ms
REPORT_TARGETS = (100.0, 300.0)  # every report page: p50, p95 (ms)
RATIO = 1 / 3


def gunicorn(app: str, port: int, url: str, log: Path, workers: int | None) -> subprocess.Popen:
    env = os.environ | {
        "QA_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex,
        "QA_SESSION_COOKIE_SECURE": "false", "QA_REMEMBER_COOKIE_SECURE": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": str(log),
        "GUNICORN_ERROR_LOG": str(log.with_suffix(".err")), "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_ready(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn for {url} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in 60 s")


def run_mix(base: str, people: dict[str, list[str]], args, recorder: Recorder,
            mix: ReportMix) -> float:  # fmt: skip
    """Sign everyone in, run the mix; returns the measured seconds."""
    plan = [("review", e) for e in people["reviewer"][: args.users]]
    plan += [("agent", e) for e in people["agent"][: args.agents]]
    plan += [("executive", e) for e in people["executive"][: args.executives]]
    if len(plan) < args.users + args.agents + args.executives:
        raise SystemExit("not enough accounts with work for that many users; rebuild larger")
    users = [(getattr(User, kind), User(base, email, recorder,
                                        args.think if kind == "review" else args.other_think,
                                        args.keepalive, n, mix))
             for n, (kind, email) in enumerate(plan)]  # fmt: skip
    for _, user in users:
        user.sign_in()
    stop = threading.Event()

    def loop(action, user) -> None:
        time.sleep(user.rng.uniform(0, user.think))  # do not start in lockstep
        while not stop.is_set():
            try:
                action(user, stop)
            except Exception as exc:  # a page that did not parse: count it, go on
                recorder.add("unexpected page", 0.0, repr(exc)[:120])
                user.pause()

    threads = [threading.Thread(target=loop, args=pair, daemon=True) for pair in users]
    for thread in threads:
        thread.start()
    time.sleep(args.warmup)
    recorder.recording = True
    start = time.perf_counter()
    time.sleep(args.duration)
    recorder.recording = False
    measured = time.perf_counter() - start
    stop.set()
    for thread in threads:
        thread.join()  # requests in flight finish: their submits are counted
    args.reviewer_users = [u for kind, u in users if kind is User.review]
    return measured


Meter = Callable[[], dict[str, float]]


def saturate(recorder: Recorder, page: str, urls: list[tuple[str, requests.Session]],
             seconds: float, meter: Meter) -> tuple[float, str]:  # fmt: skip
    """Load the pages back to back; the measured seconds and the CPU each
    request cost on each side (client, web, database)."""
    stop = threading.Event()
    threads = [threading.Thread(target=hammer, args=(recorder, page, url, stop, http))
               for url, http in urls]  # fmt: skip
    for thread in threads:
        thread.start()
    time.sleep(min(3.0, seconds / 5))  # warm-up
    recorder.recording = True
    before, start = meter(), time.perf_counter()
    time.sleep(seconds)
    recorder.recording = False
    measured, after = time.perf_counter() - start, meter()
    stop.set()
    for thread in threads:
        thread.join()
    return measured, cpu_meter.per_request(before, after, len(recorder.samples[page]))


def _like(http: requests.Session) -> requests.Session:
    """A cookie-less session sending the same headers as ``http``: both
    throughput phases open (or reuse) connections the same way, so the ratio
    compares the pages, not the connection handling."""
    plain = requests.Session()
    plain.headers.update(http.headers)
    return plain


def submitted_in_db(url: str, since, reviewers: list[str]) -> tuple[int, set[int]]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        ids = conn.execute(sa.text(
            "SELECT e.id FROM evaluations e JOIN users u ON u.id = e.reviewer_id "
            "WHERE e.status = 'submitted' AND e.submitted_at >= :since AND u.email = ANY(:emails)"
        ), {"since": since, "emails": reviewers}).scalars().all()  # fmt: skip
    engine.dispose()
    return len(ids), set(ids)


def db_now(url: str):
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        now = conn.execute(sa.text("SELECT now()")).scalar_one()
    engine.dispose()
    return now


def report(recorder: Recorder, seconds: dict[str, float]) -> list[str]:
    lines = [f"{'page':<22}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
             f"{'errors':>7}  target"]  # fmt: skip
    for page, samples in recorder.samples.items():
        if page == "-":
            continue
        p50, p95, p99 = np.percentile(samples, [50, 95, 99])
        errors = len(recorder.errors.get(page, []))
        target = ""
        if page in TARGETS:
            met = p95 < TARGETS[page] and not errors
            target = f"p95 < {TARGETS[page]:.0f} ms: {'met' if met else 'MISSED'}"
        lines.append(f"{page:<22}{len(samples):>9}{len(samples) / seconds[page]:>8.1f}"
                     f"{p50:>8.1f}{p95:>8.1f}{p99:>8.1f}{errors:>7}  {target}")  # fmt: skip
    return lines


def targets(recorder: Recorder) -> list[str]:
    """The issue's targets: every report page's p50 and p95, the scoring page's
    and the submit's p95; a closing line naming what was met and missed."""
    p50_target, p95_target = REPORT_TARGETS
    lines = [f"{'targets':<22}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}  target"
             f"{'':<26}stored"]  # fmt: skip
    met, missed = [], []
    rows = [(f"report: {tab}", p50_target, p95_target) for tab in TABS]
    rows += [(page, None, p95) for page, p95 in TARGETS.items()]
    for page, want50, want95 in rows:
        samples = recorder.samples.get(page, [])
        errors = len(recorder.errors.get(page, []))
        goal = (f"p50 < {want50:.0f}, " if want50 else "") + f"p95 < {want95:.0f}"
        if not samples:
            lines.append(f"{page:<22}{0:>6}{'':>8}{'':>8}{errors:>7}  {goal}: NOT MEASURED")
            missed.append(page)
            continue
        p50, p95 = np.percentile(samples, [50, 95])
        ok = p95 < want95 and (want50 is None or p50 < want50) and not errors
        (met if ok else missed).append(page)
        stored, marked = recorder.hits.get(page, (0, 0))
        share = f"{stored / marked:.0%} of {marked}" if marked else "-"
        verdict = f"{goal}: {'met' if ok else 'MISSED'}"
        lines.append(f"{page:<22}{len(samples):>6}{p50:>8.1f}{p95:>8.1f}{errors:>7}  "
                     f"{verdict:<32}{share}")  # fmt: skip
    lines.append(f"targets met: {len(met)} of {len(rows)}"
                 + (f"; MISSED: {', '.join(missed)}" if missed else " (all)"))  # fmt: skip
    return lines


ACCESS = re.compile(r'"(GET|POST) (\S+) HTTP/1\.[01]" (\d+) \S+ (\d+)ms')


def server_times(log: Path) -> list[str]:
    """Time inside gunicorn per route, from the access log (%(M)s): the part of
    each latency that is the application's, not the client's or the queue's."""
    times: dict[str, list[int]] = {}
    for line in log.read_text().splitlines():
        found = ACCESS.search(line)
        if found:
            route = re.sub(r"\d+", "<id>", found.group(2).split("?")[0])
            times.setdefault(f"{found.group(1)} {route}", []).append(int(found.group(4)))
    lines = [f"{'server time (access log, whole run)':<44}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}"]
    for route, ms in sorted(times.items(), key=lambda kv: -len(kv[1])):
        p50, p95 = np.percentile(ms, [50, 95])
        lines.append(f"{route:<44}{len(ms):>6}{p50:>8.0f}{p95:>8.0f}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="build or reuse (and keep) this database")
    parser.add_argument(
        "--evaluations",
        type=int,
        default=1_000_000,
        help="submitted evaluations to build (about 20.7 answers each)",
    )
    parser.add_argument(
        "--evaluated-share",
        type=float,
        default=1.0,
        help="share of the contacts older than the queue window evaluated",
    )
    parser.add_argument(
        "--interactions",
        type=int,
        help="default: as many as --evaluations and --evaluated-share need",
    )
    parser.add_argument(
        "--build-only", action="store_true", help="build (or migrate) the database, then stop"
    )
    parser.add_argument("--reviewers", type=int, default=200)
    parser.add_argument("--agents-total", type=int, default=2000)
    parser.add_argument("--queue", type=int, default=40, help="open assignments per reviewer")
    parser.add_argument("--users", type=int, default=50, help="concurrent reviewers")
    parser.add_argument("--agents", type=int, default=10, help="concurrent agents")
    parser.add_argument("--executives", type=int, default=5, help="concurrent executives")
    parser.add_argument("--think", type=float, default=1.0, help="reviewers' mean pause (s)")
    parser.add_argument(
        "--other-think",
        type=float,
        default=5.0,
        help="agents' and executives' mean pause between pages (s)",
    )
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--saturate", type=float, default=15, help="seconds per throughput phase")
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: the conf's)")
    parser.add_argument("--keepalive", action="store_true", help="reuse connections")
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    admin = sa.create_engine(
        SERVER.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    name = args.database or f"bench_load_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": name}).first()  # fmt: skip
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    url = url.replace("postgresql+psycopg://", "postgresql://", 1)
    servers: list[subprocess.Popen] = []
    logs = Path(tempfile.mkdtemp(prefix="qa-load-"))
    try:
        if not exists:
            interactions = args.interactions or interactions_for(
                args.evaluations, args.evaluated_share
            )
            try:
                build(url, interactions=interactions, reviewers=args.reviewers,
                      agents=args.agents_total, executives=10, queue=args.queue,
                      evaluated_share=args.evaluated_share)  # fmt: skip
            except BaseException:  # a half-built database must not be reused as built
                args.database = None
                raise
        else:
            print(f"reusing database {name} (migrating it to this release, topping up "
                  "the queues)", flush=True)  # fmt: skip
            flask(url, "db", "upgrade")
            top_up(url, args.queue)
        if args.build_only:
            return 0
        servers.append(gunicorn("wsgi:app", args.port, url, logs / "app.log", args.workers))
        servers.append(gunicorn("bench.hello:app", args.port + 1, url, logs / "hello.log",
                                args.workers))  # fmt: skip
        base, hello = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}/"
        wait_ready(base + "/healthz", servers[0])
        wait_ready(hello, servers[1])
        people = accounts(url)
        since = db_now(url)
        recorder = Recorder()
        mix = run_mix(base, people, args, recorder, ReportMix(*report_choices(url)))
        seconds = dict.fromkeys(recorder.samples, mix)
        reviewers = [u.email for u in args.reviewer_users]
        count, ids = submitted_in_db(url, since, reviewers)
        confirmed = recorder.submitted
        drafts = []
        for user in args.reviewer_users:
            evaluation = user.open_draft(record=False)
            drafts.append((f"{base}/reviews/evaluations/{evaluation}/score", user.http))
        cpu = {}
        seconds["scoring page (max)"], cpu["scoring page"] = saturate(
            recorder, "scoring page (max)", drafts, args.saturate,
            lambda: cpu_meter.snapshot(servers[0].pid, name))  # fmt: skip
        plain = [(hello, _like(http)) for _, http in drafts]
        seconds["hello (max)"], cpu["hello"] = saturate(
            recorder, "hello (max)", plain, args.saturate,
            lambda: cpu_meter.snapshot(servers[1].pid, name))  # fmt: skip
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)
        if not args.database:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    threads = os.environ.get("GUNICORN_THREADS", "4")
    kind = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
    cores = os.cpu_count() or 1
    workers = args.workers or (cores * 2 + 1 if kind == "sync" else max(2, cores))  # the conf's
    print(f"\ncommand: {' '.join(sys.argv)}")
    print(f"{args.users} reviewers (think {args.think:g} s), {args.agents} agents and "
          f"{args.executives} executives (think {args.other_think:g} s), "
          f"{mix:.0f} s measured after {args.warmup:g} s warm-up; "
          f"gunicorn.conf.py: {workers} workers x {threads} threads ({kind}); "
          f"throughput phases: {len(drafts)} sessions, {args.saturate:g} s each")  # fmt: skip
    print("\n".join(report(recorder, seconds)))
    print("\n".join(server_times(logs / "app.log")))
    page = len(recorder.samples["scoring page (max)"]) / seconds["scoring page (max)"]
    ceiling = len(recorder.samples["hello (max)"]) / seconds["hello (max)"]
    print(
        f"scoring page throughput {page:.0f}/s = {page / ceiling:.2f} x hello ({ceiling:.0f}/s)"
        f"   target >= {RATIO:.2f} x: {'met' if page >= RATIO * ceiling else 'MISSED'}"
    )
    for page_name, split in cpu.items():
        print(f"  {page_name} at full speed: {split}")
    for page_name, errors in recorder.errors.items():
        print(f"errors on {page_name}: {sorted(set(errors))[:5]}")
    print(
        f"integrity: {len(confirmed)} evaluations confirmed submitted by the server, "
        f"{count} submitted evaluations in the database since the run began "
        f"({'match' if ids == confirmed else 'MISMATCH'})"
    )
    print("\n".join(targets(recorder)))
    if ids != confirmed:
        print(f"  only confirmed: {sorted(confirmed - ids)[:10]}; only in db: "
              f"{sorted(ids - confirmed)[:10]}")  # fmt: skip
        return 1
    print(f"logs: {logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
