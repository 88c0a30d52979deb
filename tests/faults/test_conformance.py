"""Our fault proxy against Toxiproxy's API and toxics, driven by the official client over real loopback traffic.

Times are only asserted on a toxic's own effect, with wide margins: the machine is shared and noisy.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from toxiproxy import Proxy, Toxiproxy
from toxiproxy.exceptions import InvalidToxic, NotFound

from fault_proxy.launcher import FaultProxyServer
from fault_proxy.toxics import slice_bounds
from libraries.services.processes import ProcessId

from .helpers import IO_TIMEOUT, connect, http, read_until_closed, round_trip, wait_until

# --- the API ------------------------------------------------------------------------------------------------------


def test_version_and_no_proxies_at_start(client: Toxiproxy, fault_proxy: FaultProxyServer) -> None:
    assert client.running()
    assert http(fault_proxy, "GET", "/version") == (200, {"version": "2.12.0"})
    assert client.proxies() == {}


def test_create_with_port_0_answers_the_real_port(fault_proxy: FaultProxyServer, echo_address: str) -> None:
    status, body = http(
        fault_proxy, "POST", "/proxies", {"name": "p", "listen": "127.0.0.1:0", "upstream": echo_address}
    )
    assert status == 201
    assert body["name"] == "p" and body["upstream"] == echo_address and body["enabled"] is True
    assert body["toxics"] == []
    host, port = body["listen"].rsplit(":", 1)
    assert host == "127.0.0.1" and int(port) > 0
    assert http(fault_proxy, "GET", "/proxies/p") == (200, body)


def test_disabled_at_creation_then_enabled_and_moved(fault_proxy: FaultProxyServer, echo_address: str) -> None:
    spec = {"name": "later", "listen": "127.0.0.1:0", "upstream": echo_address, "enabled": False}
    status, body = http(fault_proxy, "POST", "/proxies", spec)
    assert status == 201 and body["enabled"] is False and body["listen"] == "127.0.0.1:0"
    status, body = http(fault_proxy, "PATCH", "/proxies/later", {"enabled": True})
    assert status == 200 and body["enabled"] is True and not body["listen"].endswith(":0")
    first = body["listen"]
    assert http(fault_proxy, "POST", "/proxies/later", {"listen": first})[1]["listen"] == first  # unchanged: kept
    status, body = http(fault_proxy, "POST", "/proxies/later", {"listen": "127.0.0.1:0"})  # new address: restarted
    assert status == 200 and body["enabled"] is True and body["listen"] not in (first, "127.0.0.1:0")
    assert http(fault_proxy, "DELETE", "/proxies/later") == (204, None)


def test_proxy_errors(fault_proxy: FaultProxyServer, echo_proxy: Proxy, echo_address: str) -> None:
    duplicate = {"name": "echo", "listen": "127.0.0.1:0", "upstream": echo_address}
    assert http(fault_proxy, "POST", "/proxies", duplicate) == (409, {"error": "proxy already exists", "status": 409})
    not_found = {"error": "proxy not found", "status": 404}
    for method in ("GET", "DELETE"):
        assert http(fault_proxy, method, "/proxies/nope") == (404, not_found)
    assert http(fault_proxy, "PATCH", "/proxies/nope", {"enabled": False}) == (404, not_found)
    assert http(fault_proxy, "POST", "/proxies", {"name": "x"}) == (
        400,
        {"error": "missing required field: upstream", "status": 400},
    )
    status, body = http(fault_proxy, "POST", "/proxies", {"name": "x", "upstream": 5})
    assert status == 400 and body["error"].startswith("bad request body")
    with pytest.raises(NotFound):
        Proxy(name="nope", upstream="", enabled=True, listen="").destroy()


def test_toxic_defaults_show_update_delete(fault_proxy: FaultProxyServer, echo_proxy: Proxy) -> None:
    echo_proxy.add_toxic(type="latency", attributes={"latency": 10})
    toxic = echo_proxy.get_toxic("latency_downstream")
    assert (toxic.type, toxic.stream, toxic.toxicity) == ("latency", "downstream", 1.0)
    assert toxic.attributes == {"latency": 10, "jitter": 0}
    status, body = http(fault_proxy, "POST", "/proxies/echo/toxics", {"type": "limit_data", "stream": "upstream"})
    assert status == 200
    assert body == {
        "attributes": {"bytes": 0},
        "name": "limit_data_upstream",
        "type": "limit_data",
        "stream": "upstream",
        "toxicity": 1.0,
    }
    status, body = http(fault_proxy, "PATCH", "/proxies/echo/toxics/latency_downstream", {"attributes": {"jitter": 5}})
    assert status == 200 and body["attributes"] == {"latency": 10, "jitter": 5}
    assert http(fault_proxy, "GET", "/proxies/echo/toxics/latency_downstream") == (200, body)
    _, listed = http(fault_proxy, "GET", "/proxies/echo/toxics")
    assert [t["name"] for t in listed] == ["limit_data_upstream", "latency_downstream"]  # upstream chain first
    assert http(fault_proxy, "DELETE", "/proxies/echo/toxics/latency_downstream") == (204, None)
    assert set(echo_proxy.toxics()) == {"limit_data_upstream"}


def test_toxic_errors(fault_proxy: FaultProxyServer, echo_proxy: Proxy) -> None:
    with pytest.raises(InvalidToxic):
        echo_proxy.add_toxic(type="no_such_toxic")
    path = "/proxies/echo/toxics"
    assert http(fault_proxy, "POST", path, {"type": "latency", "stream": "sideways"}) == (
        400,
        {"error": "stream was invalid, can be either upstream or downstream", "status": 400},
    )
    assert http(fault_proxy, "POST", path, {"type": "latency"})[0] == 200
    assert http(fault_proxy, "POST", path, {"type": "latency"}) == (
        409,
        {"error": "toxic already exists", "status": 409},
    )
    status, body = http(fault_proxy, "POST", path, {"type": "timeout", "attributes": {"timeout": 1.5}})
    assert status == 400 and body["error"].startswith("bad request body")
    toxic_not_found = (404, {"error": "toxic not found", "status": 404})
    assert http(fault_proxy, "DELETE", f"{path}/nope") == toxic_not_found
    assert http(fault_proxy, "GET", f"{path}/nope") == toxic_not_found
    assert http(fault_proxy, "POST", "/proxies/nope/toxics", {"type": "latency"})[0] == 404
    with pytest.raises(NotFound):
        echo_proxy.destroy_toxic("nope")


def test_populate_creates_keeps_and_replaces(fault_proxy: FaultProxyServer, echo_address: str) -> None:
    wanted = [{"name": name, "listen": "127.0.0.1:0", "upstream": echo_address} for name in ("a", "b")]
    status, body = http(fault_proxy, "POST", "/populate", wanted)
    assert status == 201 and [proxy["name"] for proxy in body["proxies"]] == ["a", "b"]
    same = [{**proxy, "toxics": []} for proxy in body["proxies"]]
    again = [{"name": p["name"], "listen": p["listen"], "upstream": p["upstream"]} for p in body["proxies"]]
    assert http(fault_proxy, "POST", "/populate", again) == (201, {"proxies": same})
    moved = [{**again[0], "upstream": "127.0.0.1:1"}]
    status, body = http(fault_proxy, "POST", "/populate", moved)
    assert status == 201 and body["proxies"][0]["upstream"] == "127.0.0.1:1"
    assert http(fault_proxy, "POST", "/populate", [{"upstream": "x:1"}]) == (
        400,
        {"error": "missing required field: name at proxy 1", "status": 400, "proxies": None},
    )


def test_reset_enables_every_proxy_and_removes_every_toxic(
    client: Toxiproxy, fault_proxy: FaultProxyServer, echo_proxy: Proxy
) -> None:
    echo_proxy.add_toxic(type="latency", attributes={"latency": 1000})
    echo_proxy.disable()
    assert client.reset()
    proxy = client.get_proxy("echo")
    assert proxy.enabled is True and proxy.toxics() == {}
    with connect(proxy) as sock:
        assert round_trip(sock) < 0.9  # the 1 s latency toxic is gone


def test_browsers_are_refused(fault_proxy: FaultProxyServer) -> None:
    request = urllib.request.Request(fault_proxy.url + "/proxies", headers={"User-Agent": "Mozilla/5.0"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=IO_TIMEOUT)
    assert refused.value.code == 403


# --- toxics on real traffic ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", ["downstream", "upstream"])
def test_latency(echo_proxy: Proxy, stream: str) -> None:
    echo_proxy.add_toxic(type="latency", stream=stream, attributes={"latency": 200})
    with connect(echo_proxy) as sock:
        assert 0.18 <= round_trip(sock) < 2


def test_latency_with_jitter(echo_proxy: Proxy) -> None:
    echo_proxy.add_toxic(type="latency", attributes={"latency": 100, "jitter": 50})
    with connect(echo_proxy) as sock:
        for _ in range(4):
            assert 0.045 <= round_trip(sock) < 2


def test_toxic_changes_reach_open_connections(fault_proxy: FaultProxyServer, echo_proxy: Proxy) -> None:
    with connect(echo_proxy) as sock:
        round_trip(sock)
        echo_proxy.add_toxic(type="latency", attributes={"latency": 200})
        assert 0.18 <= round_trip(sock) < 2
        http(fault_proxy, "PATCH", "/proxies/echo/toxics/latency_downstream", {"attributes": {"latency": 400}})
        assert 0.38 <= round_trip(sock) < 2
        echo_proxy.destroy_toxic("latency_downstream")
        assert round_trip(sock) < 0.15


def test_toxic_changes_never_lose_duplicate_or_reorder_data(fault_proxy: FaultProxyServer, echo_proxy: Proxy) -> None:
    """Toxics are added, updated and removed while data streams both ways; every byte comes back once, in order."""
    toxics = [
        {"name": "l", "type": "latency", "attributes": {"latency": 2, "jitter": 1}},
        {"name": "s", "type": "slicer", "stream": "upstream", "attributes": {"average_size": 500, "delay": 50}},
        {"name": "b", "type": "bandwidth", "attributes": {"rate": 5000}},
        {"name": "s2", "type": "slicer", "attributes": {"average_size": 3000, "size_variation": 1000}},
        {"name": "sc", "type": "slow_close", "attributes": {"delay": 10}},
    ]
    payload = bytes(index % 251 for index in range(2_000_000))
    received = bytearray()
    changes = 0
    done, turns = threading.Event(), threading.Semaphore(0)

    def change_toxics() -> None:
        nonlocal changes
        while not done.is_set():
            toxic = toxics[changes % len(toxics)]
            step = changes // len(toxics) % 3
            path = f"/proxies/echo/toxics/{toxic['name']}"
            if step == 0:
                assert http(fault_proxy, "POST", "/proxies/echo/toxics", toxic)[0] == 200
            elif step == 1:
                assert http(fault_proxy, "PATCH", path, {"toxicity": 0.5})[0] == 200
            else:
                assert http(fault_proxy, "DELETE", path)[0] == 204
            changes += 1
            turns.release()

    def send_between_changes(sock: socket.socket) -> None:
        for start in range(0, len(payload), 16384):
            if not turns.acquire(timeout=IO_TIMEOUT):
                return
            sock.sendall(payload[start : start + 16384])

    with connect(echo_proxy) as sock:
        threads = [threading.Thread(target=send_between_changes, args=(sock,)), threading.Thread(target=change_toxics)]
        for thread in threads:
            thread.start()
        try:
            while len(received) < len(payload):
                part = sock.recv(65536)
                assert part, "closed early"
                received += part
        finally:
            done.set()
            for thread in threads:
                thread.join(IO_TIMEOUT)
    assert changes > 100 and bytes(received) == payload


def test_toxicity_0_never_applies(echo_proxy: Proxy) -> None:
    echo_proxy.add_toxic(type="latency", toxicity=0.0, attributes={"latency": 1000})
    with connect(echo_proxy) as sock:
        assert round_trip(sock) < 0.5


def test_bandwidth(echo_proxy: Proxy) -> None:
    rate = 200  # KB/s, 1 KB = 1000 bytes as in Toxiproxy
    echo_proxy.add_toxic(type="bandwidth", attributes={"rate": rate})
    with connect(echo_proxy) as sock:
        seconds = round_trip(sock, b"x" * 100_000)
    assert 0.5 * rate <= 100_000 / 1000 / seconds <= 1.3 * rate


def test_slow_close(echo_proxy: Proxy) -> None:
    echo_proxy.add_toxic(type="slow_close", attributes={"delay": 300})
    with connect(echo_proxy) as sock:
        round_trip(sock)
        started = time.perf_counter()
        sock.sendall(b"QUIT")  # the echo server closes; the proxy holds the close back
        assert read_until_closed(sock) == b""
        assert 0.28 <= time.perf_counter() - started < 2


def test_timeout_0_is_a_black_hole_until_removed(echo_proxy: Proxy) -> None:
    with connect(echo_proxy) as sock:
        round_trip(sock)
        echo_proxy.add_toxic(type="timeout", attributes={"timeout": 0})
        sock.sendall(b"lost")
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(16)
        sock.settimeout(IO_TIMEOUT)
        echo_proxy.destroy_toxic("timeout_downstream")  # as in Toxiproxy, removing it closes the connection
        assert read_until_closed(sock) == b""


def test_timeout_closes_after_its_time(echo_proxy: Proxy) -> None:
    echo_proxy.add_toxic(type="timeout", attributes={"timeout": 300})
    with connect(echo_proxy) as sock:
        started = time.perf_counter()
        sock.sendall(b"dropped")
        assert read_until_closed(sock) == b""
        assert 0.28 <= time.perf_counter() - started < 2


def test_reset_peer_sends_rst(echo_proxy: Proxy) -> None:
    echo_proxy.add_toxic(type="reset_peer", attributes={"timeout": 0})
    with connect(echo_proxy) as sock:
        sock.sendall(b"ping")
        with pytest.raises(ConnectionResetError) as reset:
            sock.recv(16)
        assert reset.value.errno == errno.ECONNRESET


def test_reset_peer_after_timeout_on_an_open_connection(echo_proxy: Proxy) -> None:
    with connect(echo_proxy) as sock:
        round_trip(sock)
        echo_proxy.add_toxic(type="reset_peer", stream="upstream", attributes={"timeout": 200})
        started = time.perf_counter()
        sock.sendall(b"ping")
        with pytest.raises(ConnectionResetError):
            sock.recv(16)
        assert 0.18 <= time.perf_counter() - started < 2


def test_slicer(echo_proxy: Proxy) -> None:
    echo_proxy.add_toxic(type="slicer", attributes={"average_size": 100, "size_variation": 0, "delay": 20_000})
    payload = bytes(range(250)) * 4
    with connect(echo_proxy) as sock:
        sock.sendall(payload)
        reads = []
        while sum(map(len, reads)) < len(payload):
            reads.append(sock.recv(65536))
            assert reads[-1], "closed early"
    assert b"".join(reads) == payload
    assert len(reads) >= 4 and max(map(len, reads)) < len(payload)


def test_slice_bounds_cover_the_data_in_order() -> None:
    for length, average, variation in [(1000, 100, 0), (1000, 100, 30), (7, 3, 1), (1, 10, 0), (64_000, 1, 0)]:
        bounds = slice_bounds(length, average, variation)
        assert bounds[0][0] == 0 and bounds[-1][1] == length
        assert all(end == next_start for (_, end), (next_start, _) in itertools.pairwise(bounds))
        assert all(0 < end - start <= average + variation for start, end in bounds) or len(bounds) == 1


def test_limit_data(echo_proxy: Proxy) -> None:
    echo_proxy.add_toxic(type="limit_data", attributes={"bytes": 10})
    with connect(echo_proxy) as sock:
        sock.sendall(b"0123456789abcdefghijklmnopqrst")
        assert read_until_closed(sock) == b"0123456789"


def test_disable_drops_connections_and_refuses_new_ones_then_enable(echo_proxy: Proxy) -> None:
    with connect(echo_proxy) as sock:
        round_trip(sock)
        echo_proxy.disable()
        assert read_until_closed(sock) == b""
    with pytest.raises(ConnectionRefusedError):
        connect(echo_proxy)
    echo_proxy.enable()
    with connect(echo_proxy) as sock:  # the same address again
        round_trip(sock)
    with echo_proxy.down(), pytest.raises(ConnectionRefusedError):
        connect(echo_proxy)


def test_unreachable_upstream_closes_the_client(client: Toxiproxy) -> None:
    with socket.create_server(("127.0.0.1", 0)) as gone:
        address = f"127.0.0.1:{gone.getsockname()[1]}"
    proxy = client.create(upstream=address, name="nowhere", listen="127.0.0.1:0")
    with connect(proxy) as sock:
        assert read_until_closed(sock) == b""


def test_listen_address_in_use_is_an_error(fault_proxy: FaultProxyServer, echo_address: str) -> None:
    body = {"name": "taken", "listen": echo_address, "upstream": echo_address}
    status, answer = http(fault_proxy, "POST", "/proxies", body)
    assert status == 500 and "address already in use" in answer["error"].lower()
    assert http(fault_proxy, "GET", "/proxies/taken")[0] == 404


# --- the process --------------------------------------------------------------------------------------------------


def test_sigterm_closes_connections_and_exits_0(echo_address: str) -> None:
    server = FaultProxyServer()
    try:
        spec = {"name": "p", "listen": "127.0.0.1:0", "upstream": echo_address}
        assert http(server, "POST", "/proxies", spec)[0] == 201
        _, body = http(server, "GET", "/proxies/p")
        host, port = body["listen"].rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=IO_TIMEOUT) as sock:
            round_trip(sock)
            assert server.stop() == 0
            assert read_until_closed(sock) == b""
    finally:
        server.stop()


def test_config_file_creates_proxies_at_start(tmp_path: Path, echo_address: str) -> None:
    config = tmp_path / "proxies.json"
    config.write_text(json.dumps([{"name": "from_file", "listen": "127.0.0.1:0", "upstream": echo_address}]))
    with FaultProxyServer(config=config) as server:
        status, body = http(server, "GET", "/proxies/from_file")
        assert status == 200 and body["enabled"] is True and body["upstream"] == echo_address


PARENT = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-m", "fault_proxy", "--port", "0",
                          "--port-file", sys.argv[1], "--die-with-parent"])
print(child.pid, flush=True)
time.sleep(60)
"""


def test_dies_with_its_parent() -> None:
    with tempfile.TemporaryDirectory() as directory:
        port_file = Path(directory) / "port"
        parent = subprocess.Popen([sys.executable, "-c", PARENT, str(port_file)], stdout=subprocess.PIPE)
        child = None
        try:
            ready, _, _ = select.select([parent.stdout], [], [], IO_TIMEOUT)
            assert ready, "the parent did not report its child"
            child = ProcessId.of(int(parent.stdout.readline()))
            wait_until(port_file.exists)  # listening, so past the prctl call
            parent.kill()
            parent.wait(IO_TIMEOUT)
            wait_until(lambda: not child.is_alive())
        finally:
            parent.kill()
            parent.wait(IO_TIMEOUT)
            parent.stdout.close()
            if child is not None and child.is_alive():
                os.kill(child.pid, signal.SIGKILL)
