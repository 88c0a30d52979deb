"""Helpers of the orchestrator tests: emulator scripts per test scope, a started system, polling waits.

Model names carry a scope unique to the test (``gpt-4o-mini@<scope>``), so emulator scripts of one test never
reach another's runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

from libraries.agent_system.contract import RunView
from libraries.agent_system.reference import ReferenceAdapter
from libraries.common import wait_until

MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}


class Emulator:
    """Scripts the run's llmock for one scope."""

    def __init__(self, root_url: str) -> None:
        self.root_url = root_url
        self.scope = uuid.uuid4().hex[:12]

    def model(self, provider: str) -> str:
        return f"{MODELS[provider]}@{self.scope}"

    def script(self, provider: str, behaviour: dict[str, Any], **match: Any) -> None:
        rule = {**behaviour, "match": {"provider": provider, "model": f"*@{self.scope}", **match}}
        response = httpx2.post(f"{self.root_url}/_llmock/scenario", json={"behaviors": [rule]}, timeout=10)
        assert response.status_code == 201, response.text

    def plan(self, provider: str, *steps: str | tuple[str, str, str]) -> None:
        """The planner's next answer: steps given as descriptions or (description, tool, input)."""
        items = [
            {"description": s, "tool": "none", "input": ""}
            if isinstance(s, str)
            else dict(zip(("description", "tool", "input"), s, strict=True))
            for s in steps
        ]
        self.script(
            provider, {"type": "reply", "text": _json({"steps": items})}, stream=False, tools=provider == "anthropic"
        )


class System:
    """A started reference orchestrator and the test's emulator scope."""

    def __init__(self, adapter: ReferenceAdapter, emulator: Emulator) -> None:
        self.adapter = adapter
        self.emulator = emulator

    def submit(
        self, goal: str = "Summarise the plan", provider: str = "openai", deadline_s: float | None = None
    ) -> str:
        return self.adapter.submit(goal, provider=provider, model=self.emulator.model(provider), deadline_s=deadline_s)

    def wait_finished(self, run_id: str, timeout: float = 30.0) -> RunView:
        run = wait_for(lambda: _finished(self.adapter.run(run_id)), timeout, f"run {run_id} to finish")
        return run


def wait_for(probe: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Polls `probe` until it returns something truthy and returns that; fails naming `what` after `timeout` seconds."""
    return wait_until(probe, timeout, pause=interval, message=f"Waited {timeout:g} s for {what}")


def _finished(run: RunView) -> RunView | None:
    return run if run.finished else None


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


def processes_with(environment_entry: str) -> list[int]:
    """Pids of live (not zombie) processes with an environment entry that starts with `environment_entry`."""
    wanted = environment_entry.encode()
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            entries = environ.read_bytes().split(b"\0")
            state = Path(environ.parent, "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(entry.startswith(wanted) for entry in entries):
            found.append(int(environ.parent.name))
    return found


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` in the process tree."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found
