"""gunicorn settings for the QA platform: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be changed from the environment, so one file serves a laptop,
a single server and several machines behind a load balancer:

    WEB_CONCURRENCY    worker processes            (default: cores, at least 2;
                                                    2 x cores + 1 for sync workers)
    GUNICORN_THREADS   threads per worker          (default: 4)
    GUNICORN_WORKER_CLASS  "gthread" or "sync"     (default: gthread)
    GUNICORN_BIND      address(es), comma-separated (default: $HOST:$PORT, 127.0.0.1:8000)
    GUNICORN_TIMEOUT   seconds a worker may be silent before it is killed (default: 60)
    GUNICORN_MAX_REQUESTS  recycle a worker after this many requests (default: 0, never)
    GUNICORN_ACCESS_LOG / GUNICORN_ERROR_LOG   file, or "-" for stdout/stderr (default: "-")
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Processes. A request's work is mostly Python (templates, the ORM, the scoring
# engine): its waits on PostgreSQL are a few short round trips, which the
# threads below already overlap. So with gthread one process per core is
# enough, and more cost CPU: in bench/load.py's throughput phase on 2 cores, 5
# processes spent 6.0-6.2 ms of worker CPU per scoring page and 2 processes
# 4.8-5.3 ms (alternating runs, same machine), from fewer context switches and
# a warmer cache. The classic 2 x cores + 1 stays for sync workers, where a
# process waiting on the database has no other thread to run. WEB_CONCURRENCY
# is the variable hosting platforms set; it wins.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
_cores = multiprocessing.cpu_count()
workers = _int("WEB_CONCURRENCY", _cores * 2 + 1 if worker_class == "sync" else max(2, _cores))

# Worker class: gthread rather than sync. Both run one request at a time per
# thread; sync has one thread per process and no keep-alive, so a slow client
# (a reviewer on a poor connection uploading a 20 MiB import, the autosave
# calls every few seconds from each open scoring page) holds a whole process.
# gthread keeps idle keep-alive connections off the worker threads, and its
# threads overlap one request's waits on PostgreSQL (a scoring page makes about
# seven round trips) with another's Python work, without the memory of more
# processes (pandas and scikit-learn make a process ~150 MB). Under the GIL the
# Python work itself does not run in parallel: 4 threads served more scoring
# pages per second than 2 in bench/load.py; past that, add processes.
# Set GUNICORN_WORKER_CLASS=sync behind a buffering proxy (nginx) if preferred.
threads = _int("GUNICORN_THREADS", 4)

# Bind: GUNICORN_BIND, else HOST and PORT (as `make run` passes them).
bind = (
    os.environ.get("GUNICORN_BIND", "").split(",")
    if os.environ.get("GUNICORN_BIND")
    else [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
)
backlog = 2048

# Timeouts. A request that legitimately runs long (a large report export, an
# import from the page) moves to the job queue; anything silent for a minute is
# stuck and its worker is replaced. On SIGTERM (deploy, scale down) workers get
# graceful_timeout seconds to finish the requests they hold, so a reviewer's
# submit in flight is completed, not cut off. keepalive stays below the idle
# timeout of common proxies/load balancers (nginx 75 s, AWS ALB 60 s).
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Optional recycling against slow memory growth; the jitter keeps workers from
# restarting all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0

# preload_app: import the application (pandas, scikit-learn, templates) once in
# the master and fork the workers from it: less memory (copy-on-write), fast
# worker (re)starts, and a broken configuration (QA_ENV=production without
# SECRET_KEY or DATABASE_URL) stops the server at once with its message instead
# of every worker failing in a loop. The price: code changes need a restart
# (not a HUP), and nothing opened in the master may be shared by the workers;
# post_fork below drops the database connection pool inherited from the master.
preload_app = True

# Logs: access log with the request time in milliseconds (%(M)s) and the client
# address the proxy saw (X-Forwarded-For), so slow pages show up in the logs.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" %(p)s'
)
# Proxy headers are handled by the application (Werkzeug's ProxyFix, with
# QA_PROXY_COUNT in production); gunicorn itself trusts only loopback.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_fork(server, worker) -> None:
    """Give each worker its own database connections: a pooled connection
    inherited from the master would be shared by two processes and corrupt
    both sessions."""
    app = getattr(getattr(server, "app", None), "callable", None)
    db = getattr(app, "extensions", {}).get("sqlalchemy") if app is not None else None
    if db is None:
        return
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
