"""The emulator's control API: queue behaviours for one scope's requests and read that scope's journal.

Scripts are scoped: every behaviour matches models ``*@<scope>`` only, so suites running in parallel against the
one emulator of the run never take each other's scripted replies or faults. A request is in a scope when its model
is sent as ``<model>@<scope>``: the library's own calls name their test's scope so; a system under test gets base
URLs ``<root>/scope/<scope>/v1`` and ``<root>/scope/<scope>/anthropic``, where the kit's emulator
(``llm_emulator``) adds the scope to whatever model the system sends.
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

    def openai_base_url(self, scope: str | None = None) -> str:
        """The OpenAI SDK's base URL; with ``scope`` every call through it lands in that scope."""
        return f"{self._root(scope)}/v1"

    def anthropic_base_url(self, scope: str | None = None) -> str:
        """The Anthropic SDK's base URL (the SDK appends ``/v1/messages``); ``scope`` as for OpenAI."""
        return f"{self._root(scope)}/anthropic"

    def _root(self, scope: str | None) -> str:
        return self.root_url if scope is None else f"{self.root_url}/scope/{scope}"

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

    def requests(self, *, provider: str, scope: str, after: int = 0) -> list[dict[str, Any]]:
        """The journal of ``scope``'s requests to ``provider`` numbered above ``after``, oldest first."""
        records = self._answer("GET", f"/_emulator/scopes/{scope}/requests", params={"after": after})["requests"]
        return [record for record in records if record["provider"] == provider]

    def drop_scripts(self, scope: str) -> int:
        """Drops what is still scripted for ``scope``; returns the journal number requests after this one exceed."""
        return self._answer("DELETE", f"/_emulator/scopes/{scope}/scripts")["journal_seq"]

    def figures(self, scope: str) -> list[dict[str, Any]]:
        """What the calls of ``scope`` came to so far: a row per provider and model with ``calls``,
        ``input_tokens``, ``output_tokens`` and ``faults`` (calls that met a scripted fault or an error)."""
        return self._answer("GET", f"/_emulator/scopes/{scope}")["by_model"]

    def _answer(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._send(method, path, **kwargs)
        if response.status_code != 200:
            raise LLMError(
                f"The LLM emulator answered {method} {path} with status {response.status_code}: is it the kit's "
                f"emulator (python -m llm_emulator)? {response.text[:300]}"
            )
        return response.json()

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
