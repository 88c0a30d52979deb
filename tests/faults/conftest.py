"""The fault proxy as a child process, the official Toxiproxy client pointed at it, and a loopback echo server."""

from __future__ import annotations

import functools
import socketserver
import threading
import types
from collections.abc import Iterator

import pytest
import requests
import toxiproxy.api
from toxiproxy import Proxy, Toxiproxy

from fault_proxy.launcher import FaultProxyServer

from .helpers import IO_TIMEOUT, http


@pytest.fixture(scope="session")
def fault_proxy() -> Iterator[FaultProxyServer]:
    server = FaultProxyServer()
    yield server
    assert server.stop() == 0, "the fault proxy did not exit cleanly on SIGTERM"
    log = server.log_text()
    assert "Traceback" not in log and " ERROR " not in log, log


@pytest.fixture(scope="session")
def client(fault_proxy: FaultProxyServer) -> Iterator[Toxiproxy]:
    """toxiproxy-python against our server. The client sets no HTTP timeout of its own, so we give it one."""
    timed = types.SimpleNamespace(
        **{verb: functools.partial(getattr(requests, verb), timeout=IO_TIMEOUT) for verb in ("get", "post", "delete")}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(toxiproxy.api, "requests", timed)
        server = Toxiproxy()
        server.update_api_consumer(fault_proxy.host, fault_proxy.port)
        yield server


@pytest.fixture(autouse=True)
def no_proxies_left(fault_proxy: FaultProxyServer) -> Iterator[None]:
    yield
    _, proxies = http(fault_proxy, "GET", "/proxies")
    for name in proxies:
        http(fault_proxy, "DELETE", f"/proxies/{name}")


class _Echo(socketserver.BaseRequestHandler):
    """Sends back what it receives; closes the connection on ``QUIT``."""

    def handle(self) -> None:
        self.request.settimeout(30)
        try:
            while data := self.request.recv(65536):
                if b"QUIT" in data:
                    return
                self.request.sendall(data)
        except OSError:
            return  # reset by a toxic, or the proxy went away


@pytest.fixture(scope="session")
def echo_address() -> Iterator[str]:
    """``127.0.0.1:PORT`` of a threaded echo server."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(IO_TIMEOUT)


@pytest.fixture
def echo_proxy(client: Toxiproxy, echo_address: str) -> Proxy:
    return client.create(upstream=echo_address, name="echo", listen="127.0.0.1:0")
