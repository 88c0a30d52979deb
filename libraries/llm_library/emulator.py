"""The llmock control API: queue behaviours for this test's requests and read its request journal.

Scripts are scoped: in emulator mode the library sends the model as ``<model>@<scope>`` and every behaviour
matches ``*@<scope>`` only, so suites running in parallel against the one emulator of the run never take each
other's scripted replies or faults, and journal queries count this test's requests only.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import httpx2

from libraries.services import runtime

from .errors import LLMError

SCOPE_SEPARATOR = "@"
CONTROL_TIMEOUT_S = 10.0
IMPLIED_MATCH = {"slow_first_token": {"stream": True}, "stream_fault": {"stream": True}, "tool_fault": {"tools": True}}
"""What llmock's own defaults match, kept when a scope is added: a stream fault never lands on a plain call."""


def scoped_model(model: str, scope: str) -> str:
    return f"{model}{SCOPE_SEPARATOR}{scope}"


def logical_model(wire_model: str) -> str:
    return wire_model.split(SCOPE_SEPARATOR, 1)[0]


class EmulatorControl:
    def __init__(self, root_url: str) -> None:
        self.root_url = root_url.rstrip("/")

    def openai_base_url(self) -> str:
        return f"{self.root_url}/v1"

    def anthropic_base_url(self) -> str:
        return f"{self.root_url}/anthropic"

    def queue(self, behaviour: dict[str, Any], *, provider: str, scope: str) -> None:
        match = {
            "provider": provider,
            "model": f"*{SCOPE_SEPARATOR}{scope}",
            **IMPLIED_MATCH.get(behaviour["type"], {}),
            **behaviour.pop("match", {}),
        }
        response = self._send("POST", "/_llmock/scenario", json={"behaviors": [{**behaviour, "match": match}]})
        if response.status_code != 201:
            raise LLMError(
                f"The LLM emulator refused the scripted behaviour {behaviour}: status {response.status_code}, "
                f"{response.text[:300]}"
            )

    def requests(self, *, provider: str, scope: str) -> list[dict[str, Any]]:
        records = self._send("GET", "/_llmock/requests").json()["requests"]
        suffix = f"{SCOPE_SEPARATOR}{scope}"
        return [r for r in records if r["provider"] == provider and (r.get("model") or "").endswith(suffix)]

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        try:
            return httpx2.request(method, f"{self.root_url}{path}", timeout=CONTROL_TIMEOUT_S, **kwargs)
        except httpx2.HTTPError as error:
            raise LLMError(
                f"The LLM emulator at {runtime.mask_url(self.root_url)} did not answer {method} {path} "
                f"({type(error).__name__}): is the run's llmock server up (Set Up Run Services)?"
            ) from None


def retry_after_violations(records: list[dict[str, Any]], tolerance_s: float = 0.05) -> list[str]:
    """Each retry of a call (same fingerprint) must start at least retry-after seconds after the error ended."""
    problems = []
    attempts: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        attempts.setdefault(record["fingerprint"], []).append(record)
    pairs = [pair for call in attempts.values() for pair in pairwise(call)]
    for previous, current in pairs:
        wanted = previous.get("retry_after")
        if previous["status"] < 400 or wanted is None:
            continue
        waited = current["started_at"] - previous["ended_at"]
        if waited + tolerance_s < wanted:
            problems.append(
                f"request {current['seq']} came {waited:.3f} s after status {previous['status']} of request "
                f"{previous['seq']}, which asked for retry-after {wanted} s"
            )
    return problems
