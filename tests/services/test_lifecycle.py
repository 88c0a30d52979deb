"""Embedded servers: started healthy, stopped with their data, and never outliving their run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import redis

from libraries.services import lifecycle
from libraries.services.embedded import StartupError
from libraries.services.lifecycle import (
    OWNER_FILE,
    REPOSITORY_ROOT,
    add_services,
    join_run,
    runs_root,
    start_run,
    stop_run,
    sweep_dead_runs,
)
from libraries.services.processes import ProcessId
from libraries.services.supervisor import SUPERVISOR_FILE, live_supervisors

from .helpers import processes_of_run, wait_until


def test_embedded_servers_answer_and_are_removed_on_stop(owner):
    run = start_run(["postgres", "redis"], owner)
    with psycopg.connect(run.urls["postgres"], connect_timeout=5) as connection:
        assert connection.execute("SHOW server_version").fetchone()[0].startswith("16.")
    assert redis.Redis.from_url(run.urls["redis"], socket_timeout=5).ping()
    assert len(processes_of_run(run.run_id)) >= 2

    stop_run(run)

    assert processes_of_run(run.run_id) == []
    assert not run.run_dir.exists()


def test_services_added_to_a_run_answer_and_stop_with_it(owner):
    run = start_run(["redis"], owner)
    added = add_services(run, ["postgres"])

    assert set(added.urls) == {"redis", "postgres"} and added.urls["redis"] == run.urls["redis"]
    assert join_run(run.run_dir) == added
    assert len(live_supervisors(run.run_dir)) == 2
    with psycopg.connect(added.urls["postgres"], connect_timeout=5) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)

    stop_run(run)

    assert processes_of_run(run.run_id) == []
    assert not run.run_dir.exists()


def test_an_addition_that_fails_leaves_the_run_as_it_was(owner):
    run = start_run(["redis"], owner)
    files = sorted(path.name for path in run.run_dir.iterdir())
    try:
        with pytest.raises(StartupError, match="no-such-service"):
            add_services(run, ["no-such-service"])

        assert join_run(run.run_dir) == run
        assert sorted(path.name for path in run.run_dir.iterdir()) == files
        assert redis.Redis.from_url(run.urls["redis"], socket_timeout=5).ping()
    finally:
        stop_run(run)
    assert not run.run_dir.exists()


def test_a_run_with_one_live_supervisor_left_is_not_swept(owner):
    run = start_run(["redis"], owner)
    added = add_services(run, ["postgres"])
    first = ProcessId.parse((run.run_dir / SUPERVISOR_FILE).read_text())
    try:
        os.kill(first.pid, signal.SIGKILL)
        assert wait_until(lambda: not first.is_alive(), timeout=10)

        assert run.run_id not in sweep_dead_runs()
        with psycopg.connect(added.urls["postgres"], connect_timeout=5) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
    finally:
        stop_run(run)
    assert processes_of_run(run.run_id) == []
    assert not run.run_dir.exists()


@pytest.mark.parametrize("added", [[], ["postgres"]], ids=["one supervisor", "an added supervisor"])
def test_servers_stop_when_the_owner_is_killed(added):
    starter = (
        "import os, sys; from libraries.services.lifecycle import add_services, start_run;"
        "from libraries.services.processes import ProcessId;"
        f"run = start_run(['redis'] if {added} else ['postgres', 'redis'], ProcessId.of(os.getpid()));"
        f"run = add_services(run, {added}) if {added} else run; print(run.run_id, flush=True);"
        "sys.stdin.read()"
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", starter], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPOSITORY_ROOT
    )
    run_id = owner.stdout.readline().strip()
    assert processes_of_run(run_id)

    owner.send_signal(signal.SIGKILL)
    owner.wait()

    assert wait_until(lambda: not processes_of_run(run_id), timeout=15), processes_of_run(run_id)
    assert wait_until(lambda: not (runs_root() / run_id).exists(), timeout=15)


def test_servers_die_with_a_killed_supervisor_and_the_sweep_removes_the_rest(owner):
    run = start_run(["redis"], owner)
    supervisor = ProcessId.parse((run.run_dir / SUPERVISOR_FILE).read_text())

    os.kill(supervisor.pid, signal.SIGKILL)

    # An exiting process shows no command line before it is a zombie: wait for the supervisor itself.
    assert wait_until(lambda: not supervisor.is_alive() and not processes_of_run(run.run_id), timeout=10)
    assert run.run_id in sweep_dead_runs()
    assert not Path(run.run_dir).exists()


@pytest.fixture
def private_runs_root(tmp_path, monkeypatch) -> Path:
    """A runs folder of this test's own: runs of other test processes come and go in the shared one meanwhile."""
    root = tmp_path / "runs"
    root.mkdir()
    monkeypatch.setattr(lifecycle, "runs_root", lambda: root)
    return root


def test_a_service_that_cannot_start_fails_the_start_clearly_and_leaves_nothing(owner, private_runs_root):
    with pytest.raises(StartupError, match="no-such-service"):
        start_run(["redis", "no-such-service"], owner)
    assert list(private_runs_root.iterdir()) == []


def test_the_sweep_removes_a_directory_no_run_owns_and_keeps_one_that_is_starting(owner, private_runs_root):
    ownerless = private_runs_root / "20000101000000ownerless"
    ownerless.mkdir()
    (ownerless / "llm_spend.json.lock").touch()
    os.utime(ownerless, (0, 0))
    dead_owner = private_runs_root / "20000101000000deadowner"
    dead_owner.mkdir()
    (dead_owner / OWNER_FILE).write_text("999999999:1")
    starting = private_runs_root / "20000101000000starting0"
    starting.mkdir()
    (starting / OWNER_FILE).write_text(str(owner))
    try:
        swept = sweep_dead_runs()
        assert {ownerless.name, dead_owner.name} <= set(swept)
        assert not ownerless.exists() and not dead_owner.exists()
        assert starting.exists()
    finally:
        shutil.rmtree(starting, ignore_errors=True)
