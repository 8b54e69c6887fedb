"""A reviewer working through assignments over real HTTP, as a browser would,
who does not give up when the server drops a request: a connection reset or a
5xx is retried, and a submit is only counted once the server confirms it."""

from __future__ import annotations

import random
import re
import time
from collections import defaultdict

import requests

_META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
_FORM_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
_LOCK = re.compile(r'name="lock_version" type="hidden" value="(\d+)"')
_INPUT = re.compile(r"<input ([^>]*)>")
_TEXTAREA = re.compile(r'<textarea [^>]*name="(answer_[^"]+)"')
_ATTR = re.compile(r'(\w+)="([^"]*)"')

# A killed web worker is replaced in a few seconds, more on a loaded machine
# (CI runs both database passes at once): the reviewer keeps retrying that long.
PATIENCE_SECONDS = 120


class Reviewer:
    def __init__(self, base: str, email: str, password: str, seed: int) -> None:
        self.base, self.email, self.password = base, email, password
        self.http = requests.Session()
        self.rng = random.Random(seed)
        self.confirmed: dict[int, int] = {}  # assignment id -> evaluation id
        self.retried = 0
        self.failure: str | None = None  # why this reviewer stopped, if it did

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Retry what a killed worker dropped; anything else is the answer."""
        deadline = time.monotonic() + PATIENCE_SECONDS
        while time.monotonic() < deadline:
            try:
                response = self.http.request(method, self.base + path, timeout=60,
                                             allow_redirects=False, **kwargs)  # fmt: skip
            except requests.ConnectionError:
                self.retried += 1
                time.sleep(0.2)
                continue
            if response.status_code >= 500:
                self.retried += 1
                time.sleep(0.2)
                continue
            return response
        raise AssertionError(f"{method} {path}: no answer in {PATIENCE_SECONDS} s")

    def sign_in(self) -> None:
        token = _META_CSRF.search(self._request("GET", "/auth/login").text).group(1)
        done = self._request("POST", "/auth/login", data={
            "email": self.email, "password": self.password, "csrf_token": token})  # fmt: skip
        assert done.status_code == 302, f"sign-in of {self.email}: {done.status_code}"

    def complete(self, assignment_id: int) -> None:
        """Start (or resume) the assignment and submit it, until the server says so."""
        while assignment_id not in self.confirmed:
            queue = self._request("GET", "/reviews/")
            token = _META_CSRF.search(queue.text).group(1)
            started = self._request("POST", f"/reviews/assignments/{assignment_id}/start",
                                    data={"csrf_token": token})  # fmt: skip
            location = started.headers.get("Location", "")
            assert started.status_code == 302, f"start: {started.status_code}"
            if not location.endswith("/score"):
                # "already done": an earlier submit was committed, its answer lost.
                self.confirmed[assignment_id] = -1
                return
            evaluation = int(location.split("/")[-2])
            page = self._request("GET", f"/reviews/evaluations/{evaluation}/score")
            assert page.status_code == 200, f"scoring page: {page.status_code}"
            data = self._answers(page.text) | {"action": "submit", "seconds": "5"}
            done = self._request("POST", f"/reviews/evaluations/{evaluation}/score", data=data)
            if done.status_code == 302 and done.headers["Location"].endswith(
                f"/reviews/evaluations/{evaluation}"
            ):
                self.confirmed[assignment_id] = evaluation

    def _answers(self, html: str) -> dict[str, str]:
        options: dict[str, list[str]] = defaultdict(list)
        for tag in _INPUT.findall(html):
            attrs = dict(_ATTR.findall(tag))
            if attrs.get("type") == "radio" and attrs.get("name", "").startswith("answer_"):
                options[attrs["name"]].append(attrs["value"])
        form = {name: self.rng.choice([v for v in values if v != "na"] or values)
                for name, values in options.items()}  # fmt: skip
        form |= {name: "Checked against the transcript." for name in _TEXTAREA.findall(html)}
        form["csrf_token"] = _FORM_CSRF.search(html).group(1)
        form["lock_version"] = _LOCK.search(html).group(1)
        return form
