"""Virtual users for ``bench/load.py``: real HTTP sessions (cookies, CSRF tokens)
driving the application the way its people do, one thread each.

A reviewer works through their queue: opens it, starts the first assignment,
loads the scoring page, autosaves twice while answering, submits (and now and
then sends the submit again, as a double click or a resend after a timeout
would). An agent opens their home and their feedback; an executive opens the
dashboard. Each pauses ``think`` seconds (0.5 to 1.5 times) between actions.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable

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
        self.recording = False
        self.lock = threading.Lock()

    def add(self, page: str, ms: float, error: str | None) -> None:
        if not self.recording:
            return
        with self.lock:
            self.samples[page].append(ms)
            if error:
                self.errors[page].append(error)


class User:
    """One signed-in person with their own session (cookie jar)."""

    def __init__(self, base: str, email: str, recorder: Recorder, think: float,
                 keepalive: bool, seed: int) -> None:  # fmt: skip
        self.base, self.email, self.rec, self.think = base, email, recorder, think
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
        self.rec.add(page, (time.perf_counter() - start) * 1000, error)
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
        self.call("dashboard", "GET", "/reports/", _status(200))
        self.pause()


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
