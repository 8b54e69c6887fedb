"""CPU seconds spent by each side of a load test, read from ``/proc`` (Linux).

A throughput ratio alone does not say where the time goes. On one machine the
client, the web workers and PostgreSQL share the cores, so each request's cost
is the sum of the three; this splits it: the client is this process, the web
side is a gunicorn master and its workers, the database side is every
PostgreSQL backend serving the benchmark's database (its command line names
the database).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a process, or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def snapshot(web_pid: int, database: str) -> dict[str, float]:
    """CPU seconds so far of the client (this process), the web server
    ``web_pid`` with its workers, and the backends serving ``database``."""
    web = database_side = 0.0
    marker = f" {database} "
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = _stat(pid)
        if stat is None:
            continue
        parent, seconds = stat
        if int(pid) == web_pid or parent == web_pid:
            web += seconds
        elif _cmdline(pid).startswith("postgres:") and marker in _cmdline(pid):
            database_side += seconds
    return {"client": time.process_time(), "web": web, "database": database_side}


def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> str:
    """'client x ms, web y ms, database z ms of CPU per request'."""
    if not requests:
        return "no requests"
    parts = [f"{side} {(after[side] - before[side]) / requests * 1000:.2f}" for side in before]
    return ", ".join(parts) + " ms CPU per request"
