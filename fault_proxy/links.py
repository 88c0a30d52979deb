"""The relay of one proxied connection: two links (upstream, downstream), each a pipeline of toxic stages.

A link's first stage reads its source socket; every toxic adds a stage behind it, joined by a small queue; the last
stage writes to the destination socket. With no toxic, the reader writes straight to the socket: one task per
direction. Toxics added, changed or removed while a connection is open are spliced into its pipelines the way
Toxiproxy does it: the stages concerned are interrupted (cancelled) and restarted, and data a stage was holding
when interrupted is passed on first, never dropped or sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import socket
import struct
from collections import deque
from collections.abc import Callable
from typing import Protocol

from .toxics import Chunk, Item, Toxic, noop

READ_SIZE = 64 * 1024
log = logging.getLogger(__name__)


class Sink(Protocol):
    async def put(self, item: Item) -> None:
        """Take `item`, or raise CancelledError having taken nothing."""


class SocketSink:
    """The end of a link: writes chunks to the destination socket; the end of the stream closes the connection."""

    def __init__(self, writer: asyncio.StreamWriter, connection: Connection) -> None:
        self.writer = writer
        self.connection = connection

    async def put(self, item: Item) -> None:
        if item is None:
            self.connection.close()
            return
        await self.writer.drain()  # wait for room first: cancelled here, nothing was written
        self.writer.write(item.data)


class Stage:
    """One step of a link: its reader (``toxic`` None) or one toxic, as an asyncio task."""

    def __init__(self, link: Link, toxic: Toxic | None, output: Sink) -> None:
        self.link = link
        self.toxic = toxic
        self.input: asyncio.Queue[Item] = asyncio.Queue(maxsize=toxic.kind.buffer if toxic else 1)
        self.output = output
        self.held: deque[Item] = deque()  # received, not yet passed on; passed on first when (re)started
        self.state: dict[str, int] = {}  # per-connection toxic state, kept across restarts
        self.finished = False
        self.task: asyncio.Task[None] | None = None

    # --- used by the toxics (the ``toxics.ToxicStage`` protocol) ---

    @property
    def attributes(self) -> dict[str, int]:
        return self.toxic.attributes if self.toxic is not None else {}

    async def receive(self) -> Item:
        item = await self.input.get()
        self.held.append(item)
        return item

    async def forward(self, item: Item) -> None:
        """Pass `item` on in place of what the stage holds."""
        self.held.clear()
        self.held.append(item)
        await self.output.put(item)
        self.held.clear()

    async def forward_part(self, part: Chunk, rest: Chunk) -> None:
        """Pass `part` on; the stage then holds only `rest`."""
        await self.output.put(part)
        self.held.clear()
        self.held.append(rest)

    def drop(self) -> None:
        self.held.clear()

    def reset_connection(self) -> None:
        self.link.connection.reset()

    # --- used by the link ---

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def interrupt(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            await asyncio.wait([self.task])

    async def _run(self) -> None:
        try:
            while self.held:
                item = self.held[0]
                await self.output.put(item)
                self.held.popleft()
                self.finished = self.finished or item is None
            if self.finished:
                return
            if self.toxic is None:
                await self._read(self.link.source)
            elif random.random() < self.toxic.toxicity:
                await self.toxic.kind.pipe(self)
            else:
                await noop(self)
            self.finished = True
        except (ConnectionError, OSError):
            self.link.connection.close()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s stage of %s failed", self.toxic.type if self.toxic else "reader", self.link.direction)
            self.link.connection.close()

    async def _read(self, source: asyncio.StreamReader) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = await source.read(READ_SIZE)
            except (ConnectionError, OSError):
                data = b""  # as in Toxiproxy, a broken source ends the stream
            await self.forward(Chunk(data, loop.time()) if data else None)
            if not data:
                return


class Link:
    """One direction of a connection: its source, its stages, its destination."""

    def __init__(
        self,
        connection: Connection,
        direction: str,
        source: asyncio.StreamReader,
        destination: asyncio.StreamWriter,
        toxics: list[Toxic],
    ) -> None:
        self.connection = connection
        self.direction = direction
        self.source = source
        self.stages = [Stage(self, None, SocketSink(destination, connection))]
        for toxic in toxics:
            self._append(toxic)

    def _append(self, toxic: Toxic) -> Stage:
        last = self.stages[-1]
        stage = Stage(self, toxic, last.output)
        last.output = stage.input
        self.stages.append(stage)
        return stage

    def start(self) -> None:
        for stage in self.stages:
            stage.start()

    def tasks(self) -> list[asyncio.Task[None]]:
        return [stage.task for stage in self.stages if stage.task is not None]

    async def add(self, toxic: Toxic) -> None:
        last = self.stages[-1]
        await last.interrupt()
        if self.connection.closed:
            return
        self._append(toxic).start()
        last.start()

    async def update(self, toxic: Toxic) -> None:
        for stage in self.stages:
            if stage.toxic is toxic:
                await stage.interrupt()
                if not self.connection.closed:
                    stage.start()

    async def remove(self, toxic: Toxic) -> None:
        index = next((i for i, stage in enumerate(self.stages) if stage.toxic is toxic), None)
        if index is None:
            return
        stage, previous = self.stages[index], self.stages[index - 1]
        running = [task for task in (stage.task, previous.task) if task is not None and not task.done()]
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running)
        if toxic.kind.closes_when_removed:
            self.connection.close()
        if self.connection.closed:
            return
        queued = [stage.input.get_nowait() for _ in range(stage.input.qsize())]
        previous.held = deque([*stage.held, *queued, *previous.held])
        previous.output = stage.output
        del self.stages[index]
        previous.start()


class Connection:
    """A client connection and its upstream connection, relayed through two links."""

    def __init__(
        self,
        client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        server: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        toxics: list[Toxic],
        on_close: Callable[[Connection], None],
    ) -> None:
        self.writers = (client[1], server[1])
        self.closed = False
        self.on_close = on_close
        self.links = {
            "upstream": Link(self, "upstream", client[0], server[1], [t for t in toxics if t.direction == "upstream"]),
            "downstream": Link(
                self, "downstream", server[0], client[1], [t for t in toxics if t.direction == "downstream"]
            ),
        }

    def start(self) -> None:
        for link in self.links.values():
            link.start()

    def close(self) -> None:
        """Close both sockets (after writing what is buffered) and stop every stage."""
        if self.closed:
            return
        self.closed = True
        current = asyncio.current_task()
        for link in self.links.values():
            for task in link.tasks():
                if task is not current:
                    task.cancel()
        for writer in self.writers:
            writer.close()
        self.on_close(self)

    def reset(self) -> None:
        """Close both sockets with SO_LINGER 0: the peers get a TCP RST and unsent data is dropped."""
        for writer in self.writers:
            sock = writer.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        self.close()
