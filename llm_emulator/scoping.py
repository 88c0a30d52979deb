"""The ASGI layer in front of llmock: routes ``/scope/<scope>/...`` into a scope, counts each scope's calls and
answers the per-scope control routes.

It is a plain ASGI middleware, like llmock's own: it must pass streamed answers through chunk by chunk.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from llmock.scenarios import ScenarioQueue
from llmock.simulation import provider_from_path
from llmock.state import LLMockState

from .tally import SCOPE_SEPARATOR, Tally
from .usage import tokens_of

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SCOPE_NAME = r"[A-Za-z0-9_.-]+"
SCOPED_PATH = re.compile(rf"^/scope/(?P<scope>{SCOPE_NAME})(?P<rest>/.*)$")
CONTROL_PATH = re.compile(rf"^/_emulator/scopes/(?P<scope>{SCOPE_NAME})(?P<part>/scripts|/requests)?$")
BYPASSED = ("/_llmock", "/health", "/docs", "/redoc", "/openapi.json")
MAX_READ_ANSWER = 4 * 1024 * 1024
"""Answers longer than this are passed on but not read for their token counts."""
JOURNAL_WAIT_S = 2.0
"""How long a journal read waits for requests still in flight, as llmock's own ``/_llmock/requests`` does."""
FAULT_PARTS = ("fail", "delay", "slow_first_token", "stream_fault", "tool_fault")


class ScopedEmulator:
    def __init__(self, app: ASGIApp, state: LLMockState) -> None:
        self.app = app
        self.state = state
        self.tally = Tally()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        control = CONTROL_PATH.match(scope["path"])
        if control is not None:
            await self._control(scope, control["scope"], control["part"] or "", send)
            return
        routed = SCOPED_PATH.match(scope["path"])
        if routed is None and (scope["path"].startswith(BYPASSED) or scope["method"] != "POST"):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client left mid-upload
        inner = dict(scope)
        if routed is not None:
            body = _with_scope(body, routed["scope"])
            rest = routed["rest"]
            inner.update(path=rest, raw_path=rest.encode(), headers=_with_length(scope["headers"], len(body)))
        await self._serve(inner, body, receive, send)

    async def _serve(self, scope: Scope, body: bytes, receive: Receive, send: Send) -> None:
        answer = _Answer(send)
        failed = True
        try:
            await self.app(scope, _replay(body, receive), answer.send)
            failed = False
        finally:
            model = _model_of(body)
            if model is not None:
                plan = scope.get("state", {}).get("llmock_plan")
                faulted = failed or answer.status >= 400 or any(getattr(plan, part, None) for part in FAULT_PARTS)
                self.tally.add(model, provider_from_path(scope["path"]), tokens=answer.tokens(), faulted=faulted)

    async def _control(self, scope: Scope, name: str, part: str, send: Send) -> None:
        method = scope["method"]
        if part == "" and method == "GET":
            pending = _pending(self.state.scenarios, name)
            payload = {"scope": name, "journal_seq": _journal_seq(self.state), "pending": pending}
            await _json(send, 200, {**payload, "by_model": self.tally.rows(name)})
        elif part == "/scripts" and method == "DELETE":
            dropped = _drop_scripts(self.state.scenarios, name)
            await _json(send, 200, {"dropped": dropped, "journal_seq": _journal_seq(self.state)})
        elif part == "/requests" and method == "GET":
            query = parse_qs(scope.get("query_string", b"").decode())
            after = int((query.get("after") or ["0"])[0])
            records = await asyncio.to_thread(self.state.journal.records, wait=JOURNAL_WAIT_S)
            suffix = f"{SCOPE_SEPARATOR}{name}"
            found = [r.to_dict() for r in records if r.seq > after and (r.model or "").endswith(suffix)]
            await _json(send, 200, {"count": len(found), "requests": found})
        else:
            await _json(send, 405, {"detail": f"{method} is not allowed on {scope['path']}"})


class _Answer:
    """Passes the answer on and keeps its status and (up to a bound) its body, to read the tokens it reports."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status = 0
        self.streamed = False
        self._chunks: list[bytes] = []
        self._size = 0

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            content_type = dict(message.get("headers") or []).get(b"content-type", b"")
            self.streamed = content_type.startswith(b"text/event-stream")
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            self._size += len(chunk)
            if self._size <= MAX_READ_ANSWER:
                self._chunks.append(chunk)
        await self._send(message)

    def tokens(self) -> tuple[int, int]:
        if self.status >= 400 or self._size > MAX_READ_ANSWER:
            return 0, 0
        return tokens_of(b"".join(self._chunks), streamed=self.streamed)


async def _read_body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read once, then the client's own messages (a disconnect, say)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _with_scope(body: bytes, name: str) -> bytes:
    """The JSON body with ``model`` sent as ``<model>@<name>``; unchanged when it already names a scope."""
    try:
        document = json.loads(body)
    except ValueError:
        return body
    model = document.get("model") if isinstance(document, dict) else None
    if not isinstance(model, str) or SCOPE_SEPARATOR in model:
        return body
    document["model"] = f"{model}{SCOPE_SEPARATOR}{name}"
    return json.dumps(document).encode()


def _model_of(body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    model = document.get("model") if isinstance(document, dict) else None
    return model if isinstance(model, str) else None


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(name, value) for name, value in headers if name.lower() != b"content-length"]
    return [*kept, (b"content-length", str(length).encode())]


def _script_pattern(name: str) -> str:
    """How the kit's scripts for a scope match its models (``libraries.llm_library.emulator``)."""
    return f"*{SCOPE_SEPARATOR}{name}"


def _pending(queue: ScenarioQueue, name: str) -> int:
    return sum(1 for behaviour in queue.pending() if behaviour.match.model == _script_pattern(name))


def _drop_scripts(queue: ScenarioQueue, name: str) -> int:
    """Drops the unconsumed scripts of one scope. llmock 0.2.2 can only drop every script of every scope (``DELETE
    /_llmock/scenario``), which would take those of suites running in parallel: so its queue is edited under its
    own lock."""
    pattern = _script_pattern(name)
    with queue._lock:
        kept = [entry for entry in queue._entries if entry[0].match.model != pattern]
        dropped = len(queue._entries) - len(kept)
        queue._entries = kept
    return dropped


def _journal_seq(state: LLMockState) -> int:
    """The number of the last request begun so far (llmock numbers them from 1 and exposes no reader for it):
    records numbered above it came later."""
    return state.journal._next_seq - 1


async def _json(send: Send, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
