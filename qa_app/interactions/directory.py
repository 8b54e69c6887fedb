"""Who and which team each imported row belongs to: looked up in bulk, created on request.

One query per batch for the agents (by e-mail) and one for all teams (there are
few), cached for the rest of the file, so 100,000 rows never cost a query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa_app.extensions import db
from qa_app.interactions.parsing import Record, Rejected, RowProblem
from qa_app.models import Team, User


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str
    team_id: int | None


class Directory:
    def __init__(self, create_agents: bool, create_teams: bool, *, write: bool) -> None:
        self.create_agents = create_agents
        self.create_teams = create_teams
        self.write = write
        self.people: dict[str, Person | None] = {}
        self.teams: dict[str, tuple[int, str]] | None = None  # casefolded name -> (id, name)
        self.agents_created: list[str] = []
        self.teams_created: list[str] = []

    def resolve(
        self, records: list[Record]
    ) -> tuple[list[tuple[Record, dict[str, Any]]], list[Rejected]]:
        """Split a batch into rows with their agent and team ids, and refused rows."""
        self._load(records)
        assert self.teams is not None
        refused: list[Rejected] = []
        accepted: list[Record] = []
        for record in records:
            problems = self._problems(record)
            if problems:
                refused.append(Rejected(record.row, record.raw, problems))
            else:
                accepted.append(record)
        self._create_missing(accepted)
        good = []
        for record in accepted:
            person = self.people[record.agent_email]
            assert person is not None
            team = self.teams.get(record.team.casefold()) if record.team else None
            team_id = team[0] if team else person.team_id
            values = {
                "agent_id": person.id,
                "team_id": team_id,
                "agent_name": person.name,
                "team_name": team[1] if team else None,
            }
            good.append((record, values))
        return good, refused

    def _load(self, records: list[Record]) -> None:
        if self.teams is None:
            rows = db.session.execute(db.select(Team.id, Team.name)).all()
            self.teams = {name.casefold(): (id_, name) for id_, name in rows}
        emails = {r.agent_email for r in records} - self.people.keys()
        if emails:
            query = db.select(User.id, User.email, User.name, User.role, User.team_id).where(
                User.email.in_(sorted(emails))
            )
            for id_, email, name, role, team_id in db.session.execute(query):
                self.people[email] = Person(id_, name, role, team_id)
            for email in emails - self.people.keys():
                self.people[email] = None

    def _problems(self, record: Record) -> list[RowProblem]:
        assert self.teams is not None
        problems = []
        if record.team and record.team.casefold() not in self.teams and not self.create_teams:
            problems.append(
                RowProblem(
                    record.row,
                    "team",
                    f"There is no team {record.team!r}. Create it first, "
                    "or allow the import to create missing teams.",
                    remedy="create_teams",
                )
            )
        person = self.people.get(record.agent_email)
        if person is None and not self.create_agents:
            problems.append(
                RowProblem(
                    record.row,
                    "agent_email",
                    f"No user has the e-mail {record.agent_email}. Add the agent first, "
                    "or allow the import to create missing agents.",
                    remedy="create_agents",
                )
            )
        elif person is not None and person.role != "agent":
            problems.append(
                RowProblem(
                    record.row,
                    "agent_email",
                    f"{record.agent_email} belongs to a {person.role}, not an agent.",
                )
            )
        return problems

    def _create_missing(self, records: list[Record]) -> None:
        """Create the teams, then the inactive, password-less agents these rows need."""
        assert self.teams is not None
        names = {r.team.casefold(): r.team for r in records if r.team}
        missing_teams = [names[key] for key in names if key not in self.teams]
        for name in missing_teams:
            team_id = 0
            if self.write:
                team = Team(name=name)
                db.session.add(team)
                db.session.flush()
                team_id = team.id
                self.teams_created.append(name)
            self.teams[name.casefold()] = (team_id, name)
        agents: dict[str, dict[str, Any]] = {}
        for record in records:
            if self.people.get(record.agent_email) is not None or record.agent_email in agents:
                continue
            team = self.teams.get(record.team.casefold()) if record.team else None
            agents[record.agent_email] = {
                "email": record.agent_email,
                "name": _name_from_email(record.agent_email),
                "role": "agent",
                "team_id": team[0] if team else None,
                "active": False,
                "password_hash": None,
            }
        ids = dict.fromkeys(agents, 0)
        if agents and self.write:
            # One statement for all of them (ORM bulk insert with RETURNING).
            query = db.insert(User).returning(User.email, User.id)
            ids = dict(db.session.execute(query, list(agents.values())).all())
            self.agents_created.extend(agents)
        for email, values in agents.items():
            self.people[email] = Person(ids[email], values["name"], "agent", values["team_id"])


def _name_from_email(email: str) -> str:
    """``jane.doe@corp`` -> ``Jane Doe``: a readable placeholder until someone edits it."""
    local = email.split("@", 1)[0]
    words = [w for w in local.replace("_", ".").replace("-", ".").split(".") if w]
    return " ".join(w.capitalize() for w in words)[:120] or email[:120]
