"""Configuration layers: defaults here, then ``instance/config.py``, then the
environment, then the mapping passed to ``create_app`` (tests).

Only non-secret defaults live in this file. The session secret comes from the
environment or from a key generated once into the instance folder, so no secret
is ever committed.

``QA_ENV=production`` adds the ``Production`` layer right after the defaults
(secure cookies, https URLs, proxy headers) and refuses to start without an
explicit ``SECRET_KEY`` and ``DATABASE_URL``: several processes or machines
must share one key and one database, never generate their own.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any


class Defaults:
    SQLALCHEMY_DATABASE_URI = "sqlite:///qa.sqlite"  # resolved inside instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    # A pooled connection unused for longer than this is pinged before use
    # (qa_app/pool.py), not every connection on every request.
    DATABASE_PING_AFTER_IDLE_SECONDS = 10
    SQLALCHEMY_RECORD_QUERIES = False
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # uploads: 20 MiB unless configured
    WTF_CSRF_TIME_LIMIT = 8 * 3600  # a reviewer's working day
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Production turns this on (HTTPS only); it also makes the remember-me
    # cookie Secure and sends Strict-Transport-Security (qa_app/security.py).
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # absolute, from sign-in
    SESSION_IDLE_MINUTES = 60  # signed out after this long without a request
    # The cookie is re-sent only when the session changes ("last seen" moves on
    # every 30 s, qa_app/auth/sessions.py), not re-signed on every response.
    SESSION_REFRESH_EACH_REQUEST = False
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_MAX_LENGTH = 128
    # Sign-in throttle: refused after this many failures within the window,
    # per account (e-mail) and per client address (qa_app/auth/throttle.py).
    SIGNIN_WINDOW_MINUTES = 15
    SIGNIN_ACCOUNT_FAILURES = 5
    SIGNIN_ADDRESS_FAILURES = 20
    USERS_PER_PAGE = 50
    # Calibration: a reviewer whose mean absolute deviation from the key (or the
    # others' median) exceeds this many points is called out as an outlier; a
    # deviation growing by more than CALIBRATION_DRIFT_SLOPE points per session
    # flags drift on the trends page.
    CALIBRATION_OUTLIER_POINTS = 5.0
    CALIBRATION_DRIFT_SLOPE = 1.0
    # Maximum age of the team's weekly line on an agent's home, kept in the
    # cache below and shared by every worker (whole seconds; 0: read on every
    # visit). The agent's own line is always current.
    TEAM_TREND_CACHE_SECONDS = 300
    # A reviewer's home shows this week's submitted evaluations against this
    # goal (per reviewer, Monday to Sunday UTC) unless a review cycle sets their goal.
    REVIEWER_WEEKLY_GOAL = 100
    DISPUTE_WINDOW_DAYS = 7  # an agent may dispute this many days after submission
    COACHING_THRESHOLD = 80.0  # flagging: a counted evaluation below this is a coaching label
    FLAG_BUDGET = 0.05  # flagging: share of contacts a team reviews (metrics "at budget")
    # The reports' filter selects (teams, agents, reviewers, scorecards) are kept
    # in the cache at most this long (seconds): a new or renamed team shows within
    # it. 0: read for every page.
    REPORT_FILTER_LIST_SECONDS = 30
    # Each report page's figures (per page and filters) are kept in the cache at
    # most this long (seconds), and the page says so ("Figures as of 14:05 UTC,
    # at most 5 minutes old", with a Refresh link); exports carry the same
    # stored figures. 0: computed for every page.
    REPORT_MAX_AGE = 300
    QUALITY_THRESHOLD = 80.0  # reports: a score below this is "below the team's threshold"
    QUALITY_THRESHOLDS: dict[int, float] = {}  # reports: per-team override, team id -> points
    # Background jobs (Huey). Without REDIS_URL the queue is a SQLite file in the
    # instance folder (JOBS_SQLITE_FILE overrides); with it, Redis, so workers can
    # run on other machines. JOBS_IMMEDIATE runs each job inside the request (tests).
    REDIS_URL: str | None = None
    # The cache (Flask-Caching): None chooses Redis when REDIS_URL is set, else a
    # folder in the instance path shared by every worker (CACHE_DIR overrides).
    CACHE_TYPE: str | None = None
    CACHE_DIR: str | None = None
    CACHE_KEY_PREFIX = "qa-cache:"
    JOBS_IMMEDIATE = False
    JOBS_SQLITE_FILE: str | None = None
    JOBS_QUEUE_NAME = "qa-jobs"
    JOB_RETRIES = 2  # a failed attempt is retried this many times (unexpected errors only)
    JOB_RETRY_DELAY = 30  # seconds before a retry
    JOB_STALE_AFTER = 3600  # seconds without a sign of life before a running job is reaped
    JOB_WORKERS = 2  # worker threads of `flask jobs worker`
    EXPORT_JOB_ROWS = 20_000  # report exports with more rows run as a background job
    # Privacy (qa_app/interactions/redaction.py documents each kind and its token):
    # what the import redacts from transcripts before anything is written. The
    # environment takes comma-separated names (QA_REDACTION_KINDS="card,email").
    REDACTION_KINDS: tuple[str, ...] = ("card", "national_id", "email", "phone")
    REDACTION_NATIONAL_IDS: tuple[str, ...] = ("us_ssn", "uk_nino")
    REDACTION_PATTERNS: dict[str, str] = {}  # name -> regex, replaced by "[NAME]"
    # Transcripts of interactions that started more than this many days ago are
    # purged by `flask retention purge` (evaluations, scores, metadata kept); None keeps all.
    TRANSCRIPT_RETENTION_DAYS: int | None = None
    # Import uploads (raw files, before redaction) older than this are removed by
    # `flask retention purge`, whatever the transcript retention.
    UPLOAD_MAX_AGE_HOURS = 24
    PROXY_COUNT = 0  # reverse proxies in front of the app whose X-Forwarded-* are trusted
    # Links in e-mail and webhook bodies start with this (no request to take it from).
    BASE_URL = "http://localhost:5000"
    # Outgoing e-mail (qa_app/mail): off while MAIL_HOST is unset. MAIL_SECURITY:
    # "starttls" (port 587), "tls" (implicit TLS, port 465) or "none" (a local relay).
    # MAIL_PASSWORD comes from the environment (MAIL_PASSWORD or QA_MAIL_PASSWORD).
    MAIL_HOST: str | None = None
    MAIL_PORT = 587
    MAIL_SECURITY = "starttls"
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "QA <qa@localhost>"
    MAIL_TIMEOUT = 20  # seconds per SMTP conversation
    MAIL_MAX_ATTEMPTS = 5  # a temporary failure (4xx, no connection) is retried
    MAIL_RETRY_SECONDS = 60  # first retry after this, doubling each time
    MAIL_DIGEST_HOUR = 7  # the daily digest goes at this hour, UTC
    MAIL_KICK_DELAY = 2  # seconds between a notification and the job that mails it
    # Webhooks (qa_app/webhooks): private, loopback, link-local and reserved
    # addresses, and plain http://, are refused unless WEBHOOK_ALLOW_PRIVATE.
    WEBHOOK_ALLOW_PRIVATE = False
    WEBHOOK_TIMEOUT = 10  # seconds per delivery attempt
    WEBHOOK_MAX_ATTEMPTS = 8
    WEBHOOK_RETRY_SECONDS = 30  # first retry after this, doubling each time
    WEBHOOK_PAUSE_AFTER_HOURS = 24  # an endpoint failing this long is paused
    # Company sign-in, OpenID Connect (qa_app/auth/oidc.py): on when the discovery
    # URL and client id are set; the secret comes from the environment.
    OIDC_DISCOVERY_URL: str | None = (
        None  # https://idp.example.com/.well-known/openid-configuration
    )
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_PROVIDER_NAME = "your company account"  # the button: "Sign in with <name>"
    OIDC_SCOPES = "openid email profile"
    OIDC_CREATE_USERS = False  # create an account at first sign-in (role: the claim's, else agent)
    OIDC_ROLE_CLAIM: str | None = None  # e.g. "groups"; None leaves roles to an admin
    OIDC_ROLE_MAP: dict[str, str] = {}  # claim value -> role, e.g. {"qa-leads": "executive"}
    OIDC_TEAM_CLAIM: str | None = None  # a claim naming an existing team; None: left to an admin
    OIDC_PROVIDER_SIGN_OUT = False  # sign-out also ends the provider's session, if it offers that
    OIDC_TIMEOUT_SECONDS = 10  # for each call to the provider
    # "all": anyone may sign in with a password; "break_glass": only the accounts
    # in BREAK_GLASS_EMAILS (everyone else signs in with the company account).
    PASSWORD_SIGNIN = "all"
    BREAK_GLASS_EMAILS: tuple[str, ...] = ()


class Production:
    """Behind an https proxy, on a shared database (``QA_ENV=production``)."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PROXY_COUNT = 1  # one proxy (nginx, a load balancer); QA_PROXY_COUNT to change


class ConfigError(RuntimeError):
    """The configuration cannot run: the message says what to set."""


# Environment variables read directly (besides any ``QA_*`` variable, which
# Flask's ``from_prefixed_env`` maps onto the key after the prefix).
_ENV_KEYS = (
    "SECRET_KEY",
    "REDIS_URL",
    "MAIL_PASSWORD",
    "OIDC_DISCOVERY_URL",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
)


def normalise_database_url(url: str) -> str:
    """Accept the URL forms hosting platforms hand out and pin psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def is_production(override: Mapping[str, Any] | None = None) -> bool:
    """``ENV`` from the test override, else ``QA_ENV`` from the environment."""
    env = (override or {}).get("ENV") or os.environ.get("QA_ENV", "")
    return str(env).strip().lower() == "production"


def load(app: Any, override: Mapping[str, Any] | None) -> None:
    """Apply every configuration layer to ``app.config`` in order."""
    app.config.from_object(Defaults)
    production = is_production(override)
    if production:
        app.config.from_object(Production)
    app.config.from_pyfile("config.py", silent=True)
    for key in _ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("QA")
    if override:
        app.config.update(override)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if production:
        app.config["ENV"] = "production"
        require_explicit(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    # The remember-me cookie follows the session cookie unless set on its own.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    choose_cache(app.config, Path(app.instance_path))


def choose_cache(cfg: dict[str, Any], instance: Path) -> None:
    """Fill in the cache's backend when not set: Redis with ``REDIS_URL`` (every
    machine sees one cache), else a folder in the instance path (every worker
    of this machine sees one cache)."""
    if cfg.get("CACHE_TYPE"):
        return
    if cfg.get("REDIS_URL"):
        cfg["CACHE_TYPE"] = "RedisCache"
        cfg.setdefault("CACHE_REDIS_URL", cfg["REDIS_URL"])
    else:
        cfg["CACHE_TYPE"] = "FileSystemCache"
        cfg["CACHE_DIR"] = cfg.get("CACHE_DIR") or str(instance / "cache")


def require_explicit(cfg: Mapping[str, Any]) -> None:
    """Production refuses the single-machine fallbacks: a secret generated into
    this machine's instance folder (other machines would sign sessions with
    another key) and the SQLite file in it (other machines would not see it)."""
    missing = []
    if not cfg.get("SECRET_KEY"):
        missing.append("SECRET_KEY (a long random string shared by every web process)")
    if cfg.get("SQLALCHEMY_DATABASE_URI") == Defaults.SQLALCHEMY_DATABASE_URI:
        missing.append("DATABASE_URL (e.g. postgresql://user:password@host/dbname)")
    if missing:
        raise ConfigError(
            "QA_ENV=production needs these set in the environment: " + "; ".join(missing)
        )


def instance_secret(instance: Path) -> str:
    """Return the deployment's generated secret, creating it on first use.

    The file is created with mode 0600 and ``O_EXCL`` so two workers starting
    together cannot write different keys.
    """
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
