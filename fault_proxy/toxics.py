"""Toxiproxy's toxic types: their attributes and what each one does to the data of one direction of a connection.

Each toxic runs as one stage of a link's pipeline (``links.Stage``, seen here through the small ``ToxicStage``
protocol): it takes chunks from its input, and forwards, delays, slices, drops or ends them. ``None`` is the end of
the stream; forwarding it closes the connection once it reaches the far end of the pipeline. Behaviour follows
Toxiproxy's ``toxics/*.go``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from .errors import INVALID_STREAM, INVALID_TOXIC_TYPE, bad_request, error

STREAMS = ("upstream", "downstream")


@dataclass
class Toxic:
    """One toxic of a proxy, shared by every connection of that proxy."""

    name: str
    type: str
    stream: str
    toxicity: float = 1.0
    attributes: dict[str, int] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        """``upstream`` (client to server) or ``downstream`` (server to client)."""
        return self.stream.lower()

    @property
    def kind(self) -> ToxicType:
        return TYPES[self.type]

    def to_json(self) -> dict[str, object]:
        return {
            "attributes": dict(self.attributes),
            "name": self.name,
            "type": self.type,
            "stream": self.stream,
            "toxicity": self.toxicity,
        }

    @classmethod
    def from_json(cls, body: object) -> Toxic:
        """A new toxic from a create request, with Toxiproxy's defaults and checks (in Toxiproxy's order)."""
        if not isinstance(body, dict):
            raise bad_request("a toxic must be a JSON object")
        stream = _text(body, "stream", "downstream")
        if stream.lower() not in STREAMS:
            raise error(INVALID_STREAM)
        toxic_type = _text(body, "type", "")
        toxic = cls(_text(body, "name", "") or f"{toxic_type}_{stream}", toxic_type, stream)
        if toxic_type not in TYPES:
            raise error(INVALID_TOXIC_TYPE)
        toxic.attributes = dict.fromkeys(toxic.kind.attributes, 0)
        toxic.update(body)
        return toxic

    def update(self, body: object) -> None:
        """Apply an update request: given attributes and toxicity change, everything else stays."""
        if not isinstance(body, dict):
            raise bad_request("a toxic must be a JSON object")
        toxicity = self.toxicity if body.get("toxicity") is None else body["toxicity"]
        if isinstance(toxicity, bool) or not isinstance(toxicity, int | float):
            raise bad_request("toxicity must be a number")
        attributes = body.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise bad_request("attributes must be a JSON object")
        changed = dict(self.attributes)
        for key in self.kind.attributes:
            if key in attributes:
                value = attributes[key]
                if isinstance(value, bool) or not isinstance(value, int):
                    raise bad_request(f"attribute {key} of a {self.type} toxic must be an integer")
                changed[key] = value
        self.attributes, self.toxicity = changed, float(toxicity)


def _text(body: dict, key: str, default: str) -> str:
    value = body.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise bad_request(f"{key} must be a string")
    return value


class Chunk(NamedTuple):
    """Bytes read from a socket, and when (event loop time) they were read."""

    data: bytes
    at: float


Item = Chunk | None  # None: the end of the stream


class ToxicStage(Protocol):
    """What a toxic's code works with: its stage in one direction of one connection."""

    state: dict[str, int]  # per-connection toxic state, kept across restarts of the stage

    @property
    def attributes(self) -> dict[str, int]:
        """The toxic's attributes as they are now (an update restarts the stage)."""

    async def receive(self) -> Item:
        """The next chunk, or None at the end of the stream; the stage holds it until it is passed on."""

    async def forward(self, item: Item) -> None:
        """Pass ``item`` on in place of what the stage holds."""

    async def forward_part(self, part: Chunk, rest: Chunk) -> None:
        """Pass ``part`` on; the stage then holds only ``rest``."""

    def drop(self) -> None:
        """Forget what the stage holds."""

    def reset_connection(self) -> None:
        """Close both sides of the connection with a TCP RST."""


# --- what each type does ----------------------------------------------------------------------------------------


async def noop(stage: ToxicStage) -> None:
    """Pass everything on unchanged (also what a toxic does on connections its toxicity spared)."""
    while True:
        chunk = await stage.receive()
        await stage.forward(chunk)
        if chunk is None:
            return


async def latency(stage: ToxicStage) -> None:
    """Delay each chunk by ``latency`` ± ``jitter`` ms, counted from when it was read, so data keeps streaming."""
    loop = asyncio.get_running_loop()
    while True:
        chunk = await stage.receive()
        if chunk is None:
            return await stage.forward(None)
        attributes = stage.attributes
        delay, jitter = attributes["latency"], attributes["jitter"]
        if jitter > 0:
            delay += random.randrange(-jitter, jitter)
        wait = delay / 1000 - (loop.time() - chunk.at)
        if wait > 0:
            await asyncio.sleep(wait)
        await stage.forward(chunk._replace(at=chunk.at + max(wait, 0.0)))


async def bandwidth(stage: ToxicStage) -> None:
    """Limit the stream to ``rate`` KB/s (1 KB = 1000 bytes); chunks above 100 ms worth are split."""
    loop = asyncio.get_running_loop()
    debt = 0.0
    while True:
        chunk = await stage.receive()
        if chunk is None:
            return await stage.forward(None)
        rate = stage.attributes["rate"]
        debt = debt + len(chunk.data) / rate / 1000 if rate > 0 else 0.0
        data, step = chunk.data, rate * 100
        while rate > 0 and len(data) > step:
            await asyncio.sleep(0.1)
            await stage.forward_part(chunk._replace(data=data[:step]), chunk._replace(data=data[step:]))
            data, debt = data[step:], debt - 0.1
        started = loop.time()
        await asyncio.sleep(max(debt, 0.0))
        debt -= loop.time() - started
        await stage.forward(chunk._replace(data=data))


async def slow_close(stage: ToxicStage) -> None:
    """Hold the end of the stream back for ``delay`` ms."""
    while True:
        chunk = await stage.receive()
        if chunk is None:
            await asyncio.sleep(stage.attributes["delay"] / 1000)
        await stage.forward(chunk)
        if chunk is None:
            return


async def timeout(stage: ToxicStage) -> None:
    """Drop all data; end the stream after ``timeout`` ms without data (0: never, the connection hangs)."""
    seconds = stage.attributes["timeout"] / 1000
    while True:
        try:
            chunk = await asyncio.wait_for(stage.receive(), seconds if seconds > 0 else None)
        except asyncio.TimeoutError:
            return await stage.forward(None)
        if chunk is None:
            return await stage.forward(None)
        stage.drop()


async def reset_peer(stage: ToxicStage) -> None:
    """On the first data (or end), wait ``timeout`` ms and reset both sides of the connection (TCP RST)."""
    await stage.receive()
    stage.drop()
    await asyncio.sleep(stage.attributes["timeout"] / 1000)
    stage.reset_connection()


async def slicer(stage: ToxicStage) -> None:
    """Cut each chunk into pieces of about ``average_size`` ± ``size_variation`` bytes, ``delay`` µs apart."""
    while True:
        chunk = await stage.receive()
        if chunk is None:
            return await stage.forward(None)
        attributes = stage.attributes
        data = chunk.data
        for start, end in slice_bounds(len(data), attributes["average_size"], attributes["size_variation"]):
            await stage.forward_part(chunk._replace(data=data[start:end]), chunk._replace(data=data[end:]))
            await asyncio.sleep(attributes["delay"] / 1_000_000)
        stage.drop()


def slice_bounds(length: int, average: int, variation: int) -> list[tuple[int, int]]:
    """Toxiproxy's halving split of ``range(length)`` into (start, end) pieces of about ``average`` bytes."""
    if average <= 0:
        return [(0, length)] if length else []

    def split(start: int, end: int) -> list[tuple[int, int]]:
        if (end - start) - average <= variation:
            return [(start, end)]
        middle = start + (end - start) // 2
        if variation > 0:
            middle += random.randrange(-variation, variation)
        middle = min(max(middle, start + 1), end - 1)
        return split(start, middle) + split(middle, end)

    return split(0, length) if length else []


async def limit_data(stage: ToxicStage) -> None:
    """End the stream once ``bytes`` bytes went through (counted per connection, across toxic updates)."""
    sent = stage.state.setdefault("sent", 0)
    while True:
        chunk = await stage.receive()
        if chunk is None:
            return await stage.forward(None)
        limit = stage.attributes["bytes"]
        data = chunk.data[: max(limit - sent, 0)]
        if data:
            sent = stage.state["sent"] = sent + len(data)
            await stage.forward(chunk._replace(data=data))
        else:
            stage.drop()
        if limit - sent <= 0:
            return await stage.forward(None)


@dataclass(frozen=True)
class ToxicType:
    """How one type behaves: its integer attributes, its pipeline stage, and how much it may buffer."""

    attributes: tuple[str, ...]
    pipe: Callable[[ToxicStage], Awaitable[None]]
    buffer: int = 1
    closes_when_removed: bool = False


TYPES: dict[str, ToxicType] = {
    "latency": ToxicType(("latency", "jitter"), latency, buffer=1024),
    "bandwidth": ToxicType(("rate",), bandwidth),
    "slow_close": ToxicType(("delay",), slow_close),
    "timeout": ToxicType(("timeout",), timeout, closes_when_removed=True),
    "reset_peer": ToxicType(("timeout",), reset_peer),
    "slicer": ToxicType(("average_size", "size_variation", "delay"), slicer),
    "limit_data": ToxicType(("bytes",), limit_data),
}
