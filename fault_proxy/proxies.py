"""Proxies and their toxics, with the semantics of Toxiproxy's proxy.go, proxy_collection.go and toxic_collection.go.

A proxy listens on ``listen`` and relays every accepted connection to ``upstream``. Disabling it ("down") stops
listening and closes its connections; enabling it listens again on the same address. Toxic changes reach the
connections already open.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable

from .errors import (
    PROXY_EXISTS,
    PROXY_NOT_FOUND,
    TOXIC_EXISTS,
    TOXIC_NOT_FOUND,
    ApiError,
    bad_request,
    error,
    missing_field,
)
from .links import Connection, Link
from .toxics import STREAMS, Toxic

CONNECT_TIMEOUT = 10.0
DEFAULT_LISTEN = "127.0.0.1:0"
log = logging.getLogger(__name__)


class Proxy:
    """A named listener relaying to ``upstream``; its toxics apply to every connection it accepts."""

    def __init__(self, name: str, listen: str, upstream: str) -> None:
        self.name = name
        self.listen = listen or DEFAULT_LISTEN
        self.upstream = upstream
        self.enabled = False
        self.toxics: list[Toxic] = []
        self.connections: set[Connection] = set()
        self._server: asyncio.Server | None = None
        self._toxics_lock = asyncio.Lock()

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "listen": self.listen,
            "upstream": self.upstream,
            "enabled": self.enabled,
            "toxics": [toxic.to_json() for toxic in self.ordered_toxics()],
        }

    def ordered_toxics(self) -> list[Toxic]:
        """Upstream toxics, then downstream ones, each in pipeline order (as Toxiproxy lists them)."""
        return [toxic for stream in STREAMS for toxic in self.toxics if toxic.direction == stream]

    # --- listening ---

    async def start(self) -> None:
        """Listen on `listen`; a port 0 becomes the real port. Raises ApiError 500 when it cannot listen."""
        host, port = split_address(await resolve(self.listen))
        try:
            self._server = await asyncio.start_server(self._accept, host or "0.0.0.0", port)
        except OSError as failure:
            raise ApiError(f"listen tcp {self.listen}: {failure.strerror or failure}", 500) from None
        self.listen = join_address(*self._server.sockets[0].getsockname()[:2])
        self.enabled = True

    def stop(self) -> None:
        """Stop listening and close every connection."""
        if not self.enabled:
            return
        self.enabled = False
        if self._server is not None:
            self._server.close()
            self._server = None
        for connection in list(self.connections):
            connection.close()

    async def differs(self, listen: str, upstream: str) -> bool:
        return self.listen != await resolve(listen or DEFAULT_LISTEN) or self.upstream != upstream

    async def update(self, listen: str, upstream: str, enabled: bool) -> None:
        """Toxiproxy's update: a new address restarts the proxy; `enabled` starts or stops it."""
        if await self.differs(listen, upstream):
            self.stop()
            self.listen, self.upstream = listen or DEFAULT_LISTEN, upstream
        if enabled and not self.enabled:
            await self.start()
        elif not enabled:
            self.stop()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            host, port = split_address(self.upstream)
            server = await asyncio.wait_for(asyncio.open_connection(host, port), CONNECT_TIMEOUT)
        except (OSError, ApiError, asyncio.TimeoutError) as failure:
            log.warning("proxy %s: cannot reach upstream %s: %s", self.name, self.upstream, failure)
            writer.close()
            return
        if not self.enabled:
            server[1].close()
            writer.close()
            return
        connection = Connection((reader, writer), server, self.toxics, self.connections.discard)
        self.connections.add(connection)
        connection.start()

    # --- toxics ---

    def toxic(self, name: str) -> Toxic:
        for toxic in self.toxics:
            if toxic.name == name:
                return toxic
        raise error(TOXIC_NOT_FOUND)

    async def add_toxic(self, body: object) -> Toxic:
        async with self._toxics_lock:
            toxic = Toxic.from_json(body)
            if any(existing.name == toxic.name for existing in self.toxics):
                raise error(TOXIC_EXISTS)
            self.toxics.append(toxic)
            await self._on_links(toxic, Link.add)
            return toxic

    async def update_toxic(self, name: str, body: object) -> Toxic:
        async with self._toxics_lock:
            toxic = self.toxic(name)
            toxic.update(body)
            await self._on_links(toxic, Link.update)
            return toxic

    async def remove_toxic(self, name: str) -> None:
        async with self._toxics_lock:
            toxic = self.toxic(name)
            self.toxics.remove(toxic)
            await self._on_links(toxic, Link.remove)

    async def remove_all_toxics(self) -> None:
        for toxic in list(self.toxics):
            await self.remove_toxic(toxic.name)

    async def _on_links(self, toxic: Toxic, action: Callable[[Link, Toxic], Awaitable[None]]) -> None:
        links = [connection.links[toxic.direction] for connection in list(self.connections)]
        await asyncio.gather(*(action(link, toxic) for link in links))


class ProxyCollection:
    """All proxies of the server, by name."""

    def __init__(self) -> None:
        self.proxies: dict[str, Proxy] = {}
        self._lock = asyncio.Lock()

    def get(self, name: str) -> Proxy:
        if name not in self.proxies:
            raise error(PROXY_NOT_FOUND)
        return self.proxies[name]

    async def create(self, body: object) -> Proxy:
        name, listen, upstream, enabled = proxy_fields(body)
        async with self._lock:
            if name in self.proxies:
                raise error(PROXY_EXISTS)
            proxy = Proxy(name, listen, upstream)
            if enabled:
                await proxy.start()
            self.proxies[name] = proxy
            return proxy

    async def remove(self, name: str) -> None:
        async with self._lock:
            self.get(name).stop()
            del self.proxies[name]

    async def populate(self, body: object) -> tuple[list[Proxy] | None, ApiError | None]:
        """Create or replace (when listen or upstream differ) each proxy; what was done before an error stays."""
        if not isinstance(body, list):
            return None, bad_request("expected a JSON array of proxies")
        try:
            wanted = [proxy_fields(item, f" at proxy {index}") for index, item in enumerate(body, 1)]
        except ApiError as failure:
            return None, failure
        done: list[Proxy] = []
        async with self._lock:
            for name, listen, upstream, enabled in wanted:
                try:
                    done.append(await self._add_or_replace(name, listen, upstream, enabled))
                except ApiError as failure:
                    return done, failure
        return done, None

    async def _add_or_replace(self, name: str, listen: str, upstream: str, enabled: bool) -> Proxy:
        existing = self.proxies.get(name)
        if existing is not None:
            if not await existing.differs(listen, upstream):
                return existing
            existing.stop()
        proxy = Proxy(name, listen, upstream)
        if enabled:
            await proxy.start()
        self.proxies[name] = proxy
        return proxy

    async def reset(self) -> None:
        """Enable every proxy and remove every toxic."""
        for proxy in list(self.proxies.values()):
            if not proxy.enabled:
                await proxy.start()
            await proxy.remove_all_toxics()

    def stop_all(self) -> None:
        for proxy in self.proxies.values():
            proxy.stop()


def proxy_fields(body: object, where: str = "") -> tuple[str, str, str, bool]:
    """(name, listen, upstream, enabled) of a create or populate request; enabled defaults to true."""
    if not isinstance(body, dict):
        raise bad_request("a proxy must be a JSON object")
    name, listen, upstream = (_string(body, key) for key in ("name", "listen", "upstream"))
    if not name:
        raise missing_field(f"name{where}")
    if not upstream:
        raise missing_field(f"upstream{where}")
    return name, listen, upstream, _boolean(body, "enabled", True)


def update_fields(body: object, proxy: Proxy) -> tuple[str, str, bool]:
    """(listen, upstream, enabled) of an update request; missing fields keep the proxy's values."""
    if not isinstance(body, dict):
        raise bad_request("a proxy must be a JSON object")
    listen = _string(body, "listen") if "listen" in body else proxy.listen
    upstream = _string(body, "upstream") if "upstream" in body else proxy.upstream
    return listen, upstream, _boolean(body, "enabled", proxy.enabled)


def _string(body: dict, key: str) -> str:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise bad_request(f"{key} must be a string")
    return value or ""


def _boolean(body: dict, key: str, default: bool) -> bool:
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise bad_request(f"{key} must be true or false")
    return value


# --- addresses ------------------------------------------------------------------------------------------------


def split_address(address: str) -> tuple[str, int]:
    """``host:port`` or ``[v6]:port`` to (host, port); raises ApiError 500 like Go's net package."""
    host, colon, port = address.rpartition(":")
    if not colon or not port.isdigit():
        raise ApiError(f"address {address}: missing port in address", 500)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port)


def join_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def resolve(address: str) -> str:
    """The address with its host name resolved to one IP, IPv4 first (as Go's ResolveTCPAddr does)."""
    host, port = split_address(address)
    if not host:
        return join_address(host, port)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as failure:
        raise ApiError(f"lookup {host}: {failure}", 500) from None
    ipv4 = [info for info in infos if info[0] == socket.AF_INET]
    return join_address((ipv4 or infos)[0][4][0], port)
