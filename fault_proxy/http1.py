"""Just enough HTTP/1.1 for a JSON control API: keep-alive, Content-Length and chunked bodies, timeouts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import unquote, urlsplit

REQUEST_TIMEOUT = 15.0  # to read one request, counted from its first byte
IDLE_TIMEOUT = 60.0  # between requests on a kept-alive connection
WRITE_TIMEOUT = 30.0
MAX_BODY = 1024 * 1024


@dataclass
class Request:
    method: str
    path: str
    segments: list[str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})


Handler = Callable[[Request], Awaitable[Response]]


class BadRequest(Exception):
    pass


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler: Handler) -> None:
    """Answer requests on one connection until the client closes it, asks to, or stays silent too long."""
    try:
        while True:
            try:
                request = await _read_request(reader)
            except (BadRequest, ValueError) as failure:  # readline() raises ValueError on an overlong line
                await _write(writer, Response(400, f"{failure}\n".encode(), {"Content-Type": "text/plain"}), False)
                return
            if request is None:
                return
            keep_alive = request.headers.get("connection", "").lower() != "close"
            await _write(writer, await handler(request), keep_alive)
            if not keep_alive:
                return
    except (asyncio.TimeoutError, ConnectionError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request, or None when the client closed the connection between requests."""
    first = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
    if not first.strip():
        return None
    return await asyncio.wait_for(_read_rest(first, reader), REQUEST_TIMEOUT)


async def _read_rest(first: bytes, reader: asyncio.StreamReader) -> Request:
    try:
        method, target, _version = first.decode("latin-1").split()
    except ValueError:
        raise BadRequest("malformed request line") from None
    headers = {}
    while line := (await reader.readline()).decode("latin-1").strip():
        name, colon, value = line.partition(":")
        if not colon or len(headers) > 100:
            raise BadRequest("malformed header")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            raise BadRequest("invalid Content-Length")
        body = await reader.readexactly(int(length))
    path = urlsplit(target).path
    segments = [unquote(part) for part in path.strip("/").split("/")] if path.strip("/") else []
    return Request(method.upper(), path, segments, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = b""
    while True:
        size_line = (await reader.readline()).split(b";")[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise BadRequest("invalid chunk size") from None
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers expected
            return body
        if len(body) + size > MAX_BODY:
            raise BadRequest("body too large")
        body += (await reader.readexactly(size + 2))[:size]


async def _write(writer: asyncio.StreamWriter, response: Response, keep_alive: bool) -> None:
    status = HTTPStatus(response.status)
    lines = [f"HTTP/1.1 {status.value} {status.phrase}"]
    headers = {**response.headers, "Content-Length": str(len(response.body))}
    if not keep_alive:
        headers["Connection"] = "close"
    if status == HTTPStatus.NO_CONTENT:
        del headers["Content-Length"]
        headers.pop("Content-Type", None)
    lines += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body)
    with contextlib.suppress(ConnectionError):
        await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT)
