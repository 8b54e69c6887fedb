"""Virtual users for ``bench/load.py``: real HTTP sessions (cookies, CSRF tokens)
driving the application the way its people do, one thread each.

A reviewer works through their queue: opens it, starts the first assignment,
loads the scoring page, autosaves twice while answering, submits (and now and
then sends the submit again, as a double click or a resend after a timeout
would). An agent opens their home and their feedback. Each pauses ``think``
seconds (0.5 to 1.5 times) between actions.

An executive moves between the report tabs with filters (``ReportMix``), one
page per pause, each page recorded as "report: <tab>". Their own seeded random
stream decides, page by page:

- the filters: kept from the previous page 2 times in 3 (people change tabs
  with a filter set, and change the filter now and then), otherwise drawn anew:
  the default 12 weeks (no arguments) 35 %, a team 20 %, a channel 15 %, the last
  30 days 15 %, a calendar month of the last twelve 15 %; then, 1 time in 10, an
  agent (of the chosen team, when there is one) added;
- the tab: quality (``/reports/``) 25 %, evaluations drill-down list 20 %,
  questions 15 %, reviewers, operations, coaching and periodic review 10 % each;
- on the drill-down list, the figure behind it: none 55 %, below threshold 15 %,
  auto-failed 10 %, a question failed 15 %, an error family 5 %; page 2 one
  time in 10;
- the periodic review takes the filters' team, and the month when the filters
  are one; otherwise its own default (last month), or 1 time in 4 a month of
  the last twelve.

Nothing is aligned with a cache: the draws are independent per executive, the
periods end today (as people's do), and the choice space is what the database
offers (its teams, agents, questions), so repeats happen as often as they
would among real executives sharing a few teams.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import requests

PASSWORD = "demo-password-2026"
_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
_LOCK = re.compile(r'name="lock_version" type="hidden" value="(\d+)"')
_START = re.compile(r'action="/reviews/assignments/(\d+)/start"')
_INPUT = re.compile(r"<input ([^>]*)>")
_TEXTAREA = re.compile(r'<textarea [^>]*name="(answer_[^"]+)"')
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_EVALUATION = re.compile(r"/reviews/evaluations/(\d+)$")


class Recorder:
    """Latencies per page, kept only while ``recording`` is set; every
    evaluation the server confirmed as submitted, always."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.submitted: set[int] = set()
        self.hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # page: [stored, marked]
        self.recording = False
        self.lock = threading.Lock()

    def add(self, page: str, ms: float, error: str | None, stored: bool | None = None) -> None:
        """``stored``: the response said it was a stored result (True) or
        computed (False); None when it said neither."""
        if not self.recording:
            return
        with self.lock:
            self.samples[page].append(ms)
            if error:
                self.errors[page].append(error)
            if stored is not None:
                self.hits[page][0] += stored
                self.hits[page][1] += 1


class User:
    """One signed-in person with their own session (cookie jar)."""

    def __init__(self, base: str, email: str, recorder: Recorder, think: float,
                 keepalive: bool, seed: int, mix: ReportMix | None = None) -> None:  # fmt: skip
        self.base, self.email, self.rec, self.think = base, email, recorder, think
        self.mix = mix
        self.filters: dict[str, str] | None = None
        self.http = requests.Session()
        if not keepalive:  # as a proxy speaking HTTP/1.0 to gunicorn would
            self.http.headers["Connection"] = "close"
        self.rng = random.Random(seed)
        self.evaluation: int | None = None

    def call(self, page: str, method: str, path: str, ok: Callable[[requests.Response], bool],
             **kwargs) -> requests.Response | None:  # fmt: skip
        start = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, timeout=60,
                                         allow_redirects=False, **kwargs)  # fmt: skip
        except requests.RequestException as exc:
            self.rec.add(page, (time.perf_counter() - start) * 1000, type(exc).__name__)
            return None
        good = ok(response)
        error = None if good else f"{response.status_code} {response.headers.get('Location', '')}"
        self.rec.add(page, (time.perf_counter() - start) * 1000, error, _stored(response))
        return response if good else None

    def pause(self) -> None:
        time.sleep(self.think * self.rng.uniform(0.5, 1.5))

    def sign_in(self) -> None:
        page = self.http.get(self.base + "/auth/login", timeout=60)
        token = _CSRF.search(page.text).group(1)
        done = self.http.post(self.base + "/auth/login", timeout=60, allow_redirects=False,
                              data={"email": self.email, "password": PASSWORD,
                                    "csrf_token": token})  # fmt: skip
        if done.status_code != 302:
            raise RuntimeError(f"sign-in of {self.email} failed: {done.status_code}")

    # --- reviewer ----------------------------------------------------------

    def open_draft(self, record: bool = True) -> int | None:
        """Open the queue and start its first assignment; the evaluation id."""
        page = "queue" if record else "-"
        queue = self.call(page, "GET", "/reviews/", _status(200))
        if queue is None:
            return None
        found = _START.search(queue.text)
        if found is None:
            raise RuntimeError(f"{self.email} has an empty queue; build with a larger --queue")
        token = _CSRF.search(queue.text).group(1)
        started = self.call("start", "POST", f"/reviews/assignments/{found.group(1)}/start",
                            _redirect("/score"), data={"csrf_token": token})  # fmt: skip
        if started is None:
            return None
        return int(started.headers["Location"].split("/")[-2])

    def review(self, stop: threading.Event) -> None:
        evaluation = self.open_draft()
        self.pause()
        if evaluation is None or stop.is_set():
            return
        path = f"/reviews/evaluations/{evaluation}"
        scoring = self.call("scoring page", "GET", f"{path}/score", _status(200))
        if scoring is None:
            return
        form = self._answers(scoring.text)
        keys = [k for k in form if k.startswith("answer_")]
        for share in (0.4, 0.8):  # the page autosaves as the reviewer answers
            self.pause()
            partial = {k: v for k, v in form.items() if not k.startswith("answer_")}
            partial |= {k: form[k] for k in keys[: int(len(keys) * share)]}
            saved = self.call("autosave", "POST", f"{path}/autosave", _status(200),
                              data=partial | {"seconds": "7"})  # fmt: skip
            if saved is None:
                return
            form["lock_version"] = str(saved.json()["lock_version"])
        self.pause()
        data = form | {"action": "submit", "seconds": "5"}
        done = self.call("submit", "POST", f"{path}/score", _redirect(path), data=data)
        if done is not None:
            with self.rec.lock:
                self.rec.submitted.add(evaluation)
            if self.rng.random() < 0.05:  # resend: must land on the same evaluation
                again = self.call("submit (resent)", "POST", f"{path}/score", _redirect(path),
                                  data=data)  # fmt: skip
                if again is not None:
                    with self.rec.lock:
                        self.rec.submitted.add(evaluation)

    def _answers(self, html: str) -> dict[str, str]:
        """A complete set of answers read off the form: a random option per
        question (N/A only where it is the only one), text where asked."""
        options: dict[str, list[str]] = defaultdict(list)
        for tag in _INPUT.findall(html):
            attrs = dict(_ATTR.findall(tag))
            if attrs.get("type") == "radio" and attrs.get("name", "").startswith("answer_"):
                options[attrs["name"]].append(attrs["value"])
        form = {name: self.rng.choice([v for v in vals if v != "na"] or vals)
                for name, vals in options.items()}  # fmt: skip
        form |= {name: "Checked against the transcript." for name in _TEXTAREA.findall(html)}
        form["csrf_token"] = _CSRF.search(html).group(1)
        form["lock_version"] = _LOCK.search(html).group(1)
        form["comment"] = "Load test."
        return form

    # --- agent and executive -----------------------------------------------

    def agent(self, stop: threading.Event) -> None:
        self.call("agent home", "GET", "/", _status(200))
        self.pause()
        if not stop.is_set():
            self.call("agent feedback", "GET", "/feedback/", _status(200))
            self.pause()

    def executive(self, stop: threading.Event) -> None:
        """One report page, then a pause (see the module's docstring)."""
        tab, params = self.mix.next_page(self.rng, self)
        self.call(f"report: {tab}", "GET", TABS[tab], _status(200), params=params)
        self.pause()


TABS = {
    "quality": "/reports/",
    "questions": "/reports/questions",
    "reviewers": "/reports/reviewers",
    "operations": "/reports/operations",
    "coaching": "/reports/coaching",
    "evaluations": "/reports/evaluations",
    "review": "/reports/review",
}
TAB_WEIGHTS = {"quality": 25, "evaluations": 20, "questions": 15, "reviewers": 10,
               "operations": 10, "coaching": 10, "review": 10}  # fmt: skip
FAMILIES = ("customer", "business", "compliance")


@dataclass
class ReportMix:
    """What the executives can choose from, read from the database at start:
    team ids with their agents' ids, channels, question keys."""

    teams: dict[int, list[int]]
    channels: list[str]
    questions: list[str]
    today: date = field(default_factory=date.today)

    def months(self) -> list[date]:
        """First days of the last twelve calendar months, this one included."""
        first, found = self.today.replace(day=1), []
        for _ in range(12):
            found.append(first)
            first = (first - timedelta(days=1)).replace(day=1)
        return found

    def filters(self, rng: random.Random) -> dict[str, str]:
        kind = rng.choices(["default", "team", "channel", "30 days", "month"],
                           [35, 20, 15, 15, 15])[0]  # fmt: skip
        chosen: dict[str, str] = {}
        if kind == "team":
            chosen["team"] = str(rng.choice(sorted(self.teams)))
        elif kind == "channel":
            chosen["channel"] = rng.choice(self.channels)
        elif kind == "30 days":
            chosen |= {"date_from": str(self.today - timedelta(days=29)),
                       "date_to": str(self.today)}  # fmt: skip
        elif kind == "month":
            first = rng.choice(self.months())
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            chosen |= {"date_from": str(first), "date_to": str(last)}
        if rng.random() < 0.1:
            team = int(chosen["team"]) if "team" in chosen else rng.choice(sorted(self.teams))
            if self.teams[team]:
                chosen["agent"] = str(rng.choice(self.teams[team]))
        return chosen

    def next_page(self, rng: random.Random, user: User) -> tuple[str, dict[str, str]]:
        """The next tab and its query arguments; ``user.filters`` carries the
        executive's current filters from page to page."""
        if user.filters is None or rng.random() < 1 / 3:
            user.filters = self.filters(rng)
        tab = rng.choices(list(TAB_WEIGHTS), list(TAB_WEIGHTS.values()))[0]
        params = dict(user.filters)
        if tab == "evaluations":
            drill = rng.choices(["none", "below", "auto_failed", "question", "family"],
                                [55, 15, 10, 15, 5])[0]  # fmt: skip
            if drill in ("below", "auto_failed"):
                params[drill] = "1"
            elif drill == "question" and self.questions:
                params["question"] = rng.choice(self.questions)
            elif drill == "family":
                params["family"] = rng.choice(FAMILIES)
            if rng.random() < 0.1:
                params["page"] = "2"
        elif tab == "review":
            params = {k: v for k, v in params.items() if k == "team"}
            start = user.filters.get("date_from")
            if start and start.endswith("-01") and user.filters.get("date_to", "")[:7] == start[:7]:
                params["period"] = start[:7]
            elif rng.random() < 0.25:
                params["period"] = rng.choice(self.months()).strftime("%Y-%m")
        return tab, params


def _stored(response: requests.Response) -> bool | None:
    """Whether the server says this is a stored result: an ``X-Cache`` header
    (HIT/MISS), if the application sends one."""
    marker = response.headers.get("X-Cache")
    return None if marker is None else marker.upper().startswith("HIT")


def _status(code: int) -> Callable[[requests.Response], bool]:
    return lambda r: r.status_code == code


def _redirect(suffix: str) -> Callable[[requests.Response], bool]:
    return lambda r: r.status_code == 302 and r.headers.get("Location", "").endswith(suffix)


def hammer(recorder: Recorder, page: str, url: str, stop: threading.Event,
           http: requests.Session) -> None:  # fmt: skip
    """Load ``url`` back to back until ``stop`` (the throughput phases)."""
    while not stop.is_set():
        start = time.perf_counter()
        try:
            response = http.get(url, timeout=60, allow_redirects=False)
            error = None if response.status_code == 200 else str(response.status_code)
        except requests.RequestException as exc:
            error = type(exc).__name__
        recorder.add(page, (time.perf_counter() - start) * 1000, error)
