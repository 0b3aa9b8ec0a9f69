"""Workflows as data: the definition of a case workflow and its validation (pure, no Django).

A definition is what an administrator draws in the editor and what a published version keeps
unchanged: the steps (who acts at each, its time limit, which side actions are allowed there and
to whom), the allowed transitions between steps and the start step. A case follows the definition
of the version it started with.

    definition = Definition.from_dict(data)
    problems = definition.problems()       # [] when it may be published
    definition.outgoing("dispatch")        # the transitions a case at that step may take
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

SIDE_ACTIONS = ("extend", "send_back", "park", "cancel", "urge", "supervise")
UNITS = ("hours", "days")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
MAX_STEPS = 30
MAX_TRANSITIONS = 100
MAX_LIMIT = {"hours": 2000, "days": 365}


@dataclass(frozen=True)
class Problem:
    """Why a definition cannot be published: a code the application translates and its values."""

    code: str
    values: tuple = ()


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    role: str = ""  # the role code that acts at this step ("" only for a terminal step)
    by_department: bool = False  # acted on by the department the case was dispatched to
    dispatch: bool = False  # leaving this step names the department that handles the case
    limit: int = 0  # 0: no time limit
    unit: str = "hours"  # working hours or working days
    terminal: bool = False  # the case is closed when it reaches this step
    side_actions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # action → role codes

    def allows(self, action: str, role_codes) -> bool:
        return bool(set(self.side_actions.get(action, ())) & set(role_codes))

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "role": self.role,
            "by_department": self.by_department,
            "dispatch": self.dispatch,
            "limit": self.limit,
            "unit": self.unit,
            "terminal": self.terminal,
            "side_actions": {action: list(roles) for action, roles in sorted(self.side_actions.items())},
        }

    @classmethod
    def from_dict(cls, data: dict) -> Step:
        return cls(
            code=str(data.get("code", "")),
            name=str(data.get("name", "")),
            role=str(data.get("role", "")),
            by_department=bool(data.get("by_department", False)),
            dispatch=bool(data.get("dispatch", False)),
            limit=_int(data.get("limit", 0)),
            unit=str(data.get("unit", "hours")),
            terminal=bool(data.get("terminal", False)),
            side_actions={
                str(action): tuple(str(role) for role in roles)
                for action, roles in (data.get("side_actions") or {}).items()
            },
        )


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    name: str

    def to_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict) -> Transition:
        return cls(str(data.get("source", "")), str(data.get("target", "")), str(data.get("name", "")))


@dataclass(frozen=True)
class Definition:
    steps: tuple[Step, ...]
    transitions: tuple[Transition, ...]
    start: str

    @classmethod
    def from_dict(cls, data: dict) -> Definition:
        return cls(
            steps=tuple(Step.from_dict(step) for step in data.get("steps", ())),
            transitions=tuple(Transition.from_dict(t) for t in data.get("transitions", ())),
            start=str(data.get("start", "")),
        )

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "steps": [step.to_dict() for step in self.steps],
            "transitions": [transition.to_dict() for transition in self.transitions],
        }

    def step(self, code: str) -> Step:
        for step in self.steps:
            if step.code == code:
                return step
        raise KeyError(f"no step {code!r} in this workflow")

    def outgoing(self, code: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if t.source == code)

    def transition(self, source: str, target: str) -> Transition | None:
        return next((t for t in self.outgoing(source) if t.target == target), None)

    def problems(self, known_roles: frozenset[str] | None = None) -> list[Problem]:
        """Everything that keeps the definition from being published; [] when it is sound."""
        problems: list[Problem] = []
        if not self.steps:
            return [Problem("no_steps")]
        if len(self.steps) > MAX_STEPS:
            problems.append(Problem("too_many_steps", (MAX_STEPS,)))
        if len(self.transitions) > MAX_TRANSITIONS:
            problems.append(Problem("too_many_transitions", (MAX_TRANSITIONS,)))
        codes = [step.code for step in self.steps]
        for code in sorted({code for code in codes if codes.count(code) > 1}):
            problems.append(Problem("duplicate_step", (code,)))
        for step in self.steps:
            problems.extend(_step_problems(step, known_roles))
        known = set(codes)
        if self.start not in known:
            problems.append(Problem("unknown_start", (self.start,)))
        seen_pairs = set()
        for t in self.transitions:
            for end in (t.source, t.target):
                if end not in known:
                    problems.append(Problem("unknown_transition_step", (t.name, end)))
            if t.source == t.target:
                problems.append(Problem("loop_transition", (t.source,)))
            if (t.source, t.target) in seen_pairs:
                problems.append(Problem("duplicate_transition", (t.source, t.target)))
            seen_pairs.add((t.source, t.target))
            if not t.name.strip():
                problems.append(Problem("unnamed_transition", (t.source, t.target)))
            if t.source in known and self.step(t.source).terminal:
                problems.append(Problem("leaves_terminal", (t.source,)))
        if problems:
            return problems
        terminals = {step.code for step in self.steps if step.terminal}
        if not terminals:
            return [Problem("no_terminal")]
        if self.step(self.start).terminal:
            problems.append(Problem("start_is_terminal", (self.start,)))
        reachable = _reach({self.start}, {(t.source, t.target) for t in self.transitions})
        for code in codes:
            if code not in reachable:
                problems.append(Problem("unreachable", (code,)))
        closing = _reach(terminals, {(t.target, t.source) for t in self.transitions})
        for code in codes:
            if code not in closing:
                problems.append(Problem("no_way_to_close", (code,)))
        for step in self.steps:
            if step.by_department and not self._dispatched_before(step.code):
                problems.append(Problem("department_not_dispatched", (step.code,)))
        return problems

    def _dispatched_before(self, code: str) -> bool:
        """Every path from the start to ``code`` passes a dispatch step (so a department is named)."""
        edges = {(t.source, t.target) for t in self.transitions if not self.step(t.source).dispatch}
        if self.step(self.start).dispatch:
            return True
        return code not in _reach({self.start}, edges)


def _step_problems(step: Step, known_roles) -> list[Problem]:
    problems = []
    if not CODE.match(step.code):
        problems.append(Problem("bad_code", (step.code,)))
    if not step.name.strip():
        problems.append(Problem("unnamed_step", (step.code,)))
    if step.unit not in UNITS:
        problems.append(Problem("bad_unit", (step.code, step.unit)))
    elif not 0 <= step.limit <= MAX_LIMIT[step.unit]:
        problems.append(Problem("bad_limit", (step.code, step.limit, MAX_LIMIT[step.unit])))
    if not step.terminal and not step.role:
        problems.append(Problem("no_role", (step.code,)))
    roles = [step.role] if step.role else []
    for action, granted in step.side_actions.items():
        if action not in SIDE_ACTIONS:
            problems.append(Problem("bad_side_action", (step.code, action)))
        roles.extend(granted)
    if step.terminal and step.side_actions:
        problems.append(Problem("terminal_side_actions", (step.code,)))
    if known_roles is not None:
        for role in sorted(set(roles) - known_roles):
            problems.append(Problem("unknown_role", (step.code, role)))
    return problems


def _reach(starts: set[str], edges: set[tuple[str, str]]) -> set[str]:
    following: dict[str, list[str]] = {}
    for source, target in edges:
        following.setdefault(source, []).append(target)
    seen, queue = set(starts), deque(starts)
    while queue:
        for target in following.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # reported as a bad limit
