"""The fault keywords: the run's own proxy server or TOXIPROXY_URL, proxies per suite namespace, clean teardowns."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fault_proxy.launcher import FaultProxyServer
from libraries.faults import suite as faults_suite
from libraries.faults.client import FaultProxyError, ToxiproxyClient
from libraries.services import runtime
from libraries.services.lifecycle import runs_root
from libraries.services.runtime import Endpoints, Namespace
from tests.services.helpers import processes_of_run, robot_command, run, run_ids

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
FAULTS_SUITE = HERE / "robot" / "faults_alone.robot"
REDIS_SUITE = ROOT / "tests" / "services" / "robot" / "standalone" / "redis_alone.robot"


def _run_line(output_dir: Path) -> str:
    (line,) = re.findall(r"Run \d{14}[0-9a-f]{6}: [^<]*", (output_dir / "output.xml").read_text())
    return line


def test_a_run_of_fault_keywords_starts_one_proxy_server_and_leaves_nothing_alive(tmp_path: Path) -> None:
    done = run(robot_command("robot", tmp_path / "out", FAULTS_SUITE))

    assert done.returncode == 0, done.stdout
    assert re.search(r"fault proxy http://127\.0\.0\.1:\d+", _run_line(tmp_path / "out"))
    (run_id,) = run_ids(tmp_path / "out")
    assert processes_of_run(run_id) == []
    assert not (runs_root() / run_id).exists()


def test_a_run_without_fault_keywords_starts_no_proxy_server(tmp_path: Path) -> None:
    done = run(robot_command("robot", tmp_path / "out", REDIS_SUITE))

    assert done.returncode == 0, done.stdout
    assert "fault proxy" not in _run_line(tmp_path / "out")


def test_toxiproxy_url_is_driven_instead_and_the_run_starts_no_proxy_server(
    tmp_path: Path, fault_proxy: FaultProxyServer
) -> None:
    done = run(robot_command("robot", tmp_path / "out", FAULTS_SUITE), env={"TOXIPROXY_URL": fault_proxy.url})

    assert done.returncode == 0, done.stdout
    assert f"fault proxy {fault_proxy.url}" in _run_line(tmp_path / "out")
    (run_id,) = run_ids(tmp_path / "out")
    assert processes_of_run(run_id) == []


def test_an_unreachable_toxiproxy_url_fails_in_one_line_naming_it(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    done = run(
        robot_command("robot", tmp_path / "out", FAULTS_SUITE), env={"TOXIPROXY_URL": f"http://127.0.0.1:{port}"}
    )

    assert time.monotonic() - started < 30
    assert done.returncode != 0
    assert f"TOXIPROXY_URL: Toxiproxy at 127.0.0.1:{port} is not reachable" in done.stdout, done.stdout


def test_a_toxiproxy_url_that_is_no_url_is_refused_without_showing_it() -> None:
    with pytest.raises(FaultProxyError) as refused:
        ToxiproxyClient("host=db password=Secret", configured=True)
    assert "TOXIPROXY_URL is not a Toxiproxy API URL" in str(refused.value)
    assert "Secret" not in str(refused.value)


@contextlib.contextmanager
def _endpoints(endpoints: Endpoints) -> Iterator[None]:
    """``endpoints`` active in `runtime` for a while; the ones active before (the session's) come back after."""
    try:
        previous = runtime.endpoints()
    except runtime.ServicesNotReady:
        previous = None
    runtime.activate(endpoints)
    try:
        yield
    finally:
        runtime.activate(previous)


@pytest.fixture
def run_with_proxy(fault_proxy: FaultProxyServer) -> Iterator[None]:
    with _endpoints(Endpoints("", "", run_id="20260101000000abcdef", fault_proxy_url=fault_proxy.url)):
        yield
        while runtime.pop_namespace() is not None:
            pass
        faults_suite._suites.clear()


def _in_suite(name: str) -> faults_suite.SuiteFaults:
    while runtime.pop_namespace() is not None:
        pass
    runtime.push_namespace(Namespace(schema=f"rfq_test_{name}", key_prefix=f"rfq:test:{name}:"))
    return faults_suite.for_current_suite()


def test_each_suite_namespace_gets_its_own_proxies(run_with_proxy: None, echo_address: str) -> None:
    first = _in_suite("first")
    first_url = first.proxied_url("redis", f"redis://:pw@{echo_address}/0")
    first.client.add_toxic(first.proxy_name("redis"), "latency", "latency", "downstream", {"latency": 100})
    second = _in_suite("second")
    second_url = second.proxied_url("redis", f"redis://:pw@{echo_address}/0")

    assert first.proxy_name("redis") == "rfq_test_first-redis" != second.proxy_name("redis")
    assert first_url != second_url and first_url.startswith("redis://:pw@127.0.0.1:")
    assert second.client.get(second.proxy_name("redis")).toxics == ()
    assert first.client.get(first.proxy_name("redis")).toxics == ("latency",)
    second.remove_all_faults()
    assert first.client.get(first.proxy_name("redis")).toxics == ("latency",)


def test_removing_faults_and_releasing_the_suite_leave_nothing(
    run_with_proxy: None, echo_address: str, fault_proxy: FaultProxyServer
) -> None:
    faults = _in_suite("teardown")
    faults.proxied_url("postgres", f"postgresql://qa@{echo_address}/agents_test")
    name = faults.proxy_name("postgres")
    faults.client.add_toxic(name, "reset", "reset_peer", "upstream", {"timeout": 0})
    faults.client.set_enabled(name, False)

    assert faults.remove_all_faults() == [f"{name}/reset"]
    state = faults.client.get(name)
    assert state.toxics == () and state.enabled
    faults_suite.release_current_suite()
    assert name not in ToxiproxyClient(fault_proxy.url).names()


def test_no_fault_proxy_in_the_run_is_one_clear_line() -> None:
    with _endpoints(Endpoints("", "", run_id="20260101000000abcdef")):
        runtime.push_namespace(Namespace(schema="rfq_test_none", key_prefix="rfq:test:none:"))
        try:
            env = {key: value for key, value in os.environ.items() if key != "TOXIPROXY_URL"}
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(os, "environ", env)
                with pytest.raises(FaultProxyError, match="This run has no fault proxy"):
                    faults_suite.for_current_suite()
        finally:
            runtime.pop_namespace()
