"""Helpers for the fault proxy tests: plain HTTP against the API, loopback sockets, polling."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from toxiproxy import Proxy

from fault_proxy.launcher import FaultProxyServer
from libraries import common

IO_TIMEOUT = 5.0


def http(server: FaultProxyServer, method: str, path: str, body: object = None) -> tuple[int, object]:
    """Plain HTTP against the API, for what the client library cannot send: (status, JSON body or text)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=IO_TIMEOUT) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as failure:
        status, text = failure.code, failure.read().decode()
    try:
        return status, json.loads(text) if text else None
    except ValueError:
        return status, text


def connect(proxy: Proxy) -> socket.socket:
    host, port = proxy.listen.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=IO_TIMEOUT)


def round_trip(sock: socket.socket, payload: bytes = b"ping") -> float:
    """Seconds from sending `payload` to having all of it back."""
    started = time.perf_counter()
    sock.sendall(payload)
    received = receive(sock, len(payload))
    assert received == payload
    return time.perf_counter() - started


def receive(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = sock.recv(size - len(data))
        if not part:
            break
        data += part
    return data


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything up to EOF; a reset counts as the end too."""
    data = b""
    try:
        while part := sock.recv(65536):
            data += part
    except ConnectionResetError:
        pass
    return data


def wait_until(condition: Callable[[], bool], timeout: float = IO_TIMEOUT) -> None:
    """Polls ``condition`` (through the libraries' one helper); an AssertionError when it is not met in time."""
    common.wait_until(condition, timeout, pause=0.01, message=f"condition not met within {timeout} s")
