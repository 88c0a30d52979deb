"""Whole runs of `robot` and `pabot`: one set of servers, clean ends, fast clear failures, and killed runs swept."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from libraries.services.lifecycle import REPOSITORY_ROOT, join_run, runs_root
from libraries.services.namespaces import OWNER_KEY_PREFIX, SCHEMA_PREFIX, connect_redis
from libraries.services.processes import ProcessId, children_running
from libraries.services.supervisor import SERVICES_FILE, live_supervisors, part_files

from .helpers import (
    HERE,
    environment,
    free_closed_port,
    make_suites,
    processes_of_run,
    robot_command,
    run,
    run_ids,
    wait_until,
)


def test_a_failing_run_still_stops_its_servers_and_removes_its_directory(tmp_path):
    suites = make_suites(tmp_path, ["first", "second"])
    done = run(robot_command("robot", tmp_path / "out", suites, "--variable", "FAIL_ON_PURPOSE:True"))

    assert done.returncode == 2, done.stdout
    (run_id,) = run_ids(tmp_path / "out")
    assert processes_of_run(run_id) == []
    assert not (runs_root() / run_id).exists()
    assert (tmp_path / "out" / "log.html").exists()


def test_a_closed_database_port_fails_within_10_seconds_and_hides_the_password(tmp_path):
    suites = make_suites(tmp_path, ["first"])
    url = f"postgresql://qa:CanaryPassw0rd@127.0.0.1:{free_closed_port()}/agents_test"
    started = time.monotonic()
    done = run(robot_command("robot", tmp_path / "out", suites), env={"DATABASE_URL": url})

    assert time.monotonic() - started < 10
    assert done.returncode != 0
    failure = [line for line in done.stdout.splitlines() if "DATABASE_URL" in line]
    assert failure and "is not reachable" in failure[0], done.stdout
    results = [path.read_text(errors="replace") for path in (tmp_path / "out").iterdir()]
    assert all("CanaryPassw0rd" not in text for text in [done.stdout, done.stderr, *results])


def test_a_dead_llm_endpoint_fails_the_run_at_start_in_one_line(tmp_path):
    suites = make_suites(tmp_path, ["first"])
    port = free_closed_port()
    key = "sk-CanaryKey0123456789"
    started = time.monotonic()
    done = run(
        robot_command("robot", tmp_path / "out", suites),
        env={**_without_llm_keys(), "OPENAI_API_KEY": key, "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"},
    )

    assert time.monotonic() - started < 10
    assert done.returncode != 0
    failure = [line for line in done.stdout.splitlines() if "OPENAI_BASE_URL" in line]
    assert failure and f"the OpenAI endpoint at 127.0.0.1:{port} is not reachable" in failure[0], done.stdout
    results = [path.read_text(errors="replace") for path in (tmp_path / "out").iterdir()]
    assert all(key not in text for text in [done.stdout, done.stderr, *results])


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("DATABASE_URL", "host=db user=qa password=CanaryPassw0rd dbname=agents_test", "DATABASE_URL is not a URL"),
        ("DATABASE_URL", "postgresql//qa:CanaryPassw0rd@db/agents_test", "DATABASE_URL is not a URL"),
        ("DATABASE_URL", "mysql://qa:CanaryPassw0rd@db:3306/agents_test", "not a PostgreSQL URL (postgresql://"),
        ("DATABASE_URL", "postgresql://qa:Canary/Passw0rd@db/agents_test", "percent-encode it"),
        ("REDIS_URL", "CanaryPassw0rd@cache-test:6379", "REDIS_URL is not a URL"),
    ],
)
def test_a_malformed_url_fails_in_one_line_without_its_password(tmp_path, setting, value, expected):
    suites = make_suites(tmp_path, ["first"])
    done = run(robot_command("robot", tmp_path / "out", suites), env={setting: value})

    assert done.returncode != 0
    failure = [line for line in done.stdout.splitlines() if expected in line]
    assert failure and f"unset {setting}" in failure[0], done.stdout
    results = [path.read_text(errors="replace") for path in (tmp_path / "out").iterdir()]
    assert all("Canary" not in text for text in [done.stdout, done.stderr, *results])


@pytest.mark.parametrize("area", ["redis", "postgres", "llm"])
def test_a_suite_file_of_each_area_runs_on_its_own(tmp_path, area):
    suite = HERE / "robot" / "standalone" / f"{area}_alone.robot"
    done = run(robot_command("robot", tmp_path / "out", suite), env=_without_llm_keys())

    assert done.returncode == 0, done.stdout
    (run_id,) = run_ids(tmp_path / "out")
    assert processes_of_run(run_id) == []
    assert not (runs_root() / run_id).exists()


def _without_llm_keys() -> dict[str, str]:
    return {name: "" for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL")}


AREAS = [
    ("redis", ["Redis redis://"], ["PostgreSQL not used", "LLM emulator not needed"]),
    ("postgres", ["PostgreSQL postgresql://"], ["Redis not used", "LLM emulator not needed"]),
    ("llm", ["LLM emulator http://"], ["PostgreSQL not used", "Redis not used"]),
]


def _selection(area: str) -> list[str]:
    """The whole Redis area as a user selects it; a few tests of the larger areas."""
    if area == "redis":
        return ["--include", "redis"]
    return ["--include", f"{area}ANDsmoke", "--include", f"{area}ANDopenai"]


@pytest.mark.parametrize(("area", "started", "not_started"), AREAS)
def test_a_run_starts_only_the_services_its_selected_suites_use(tmp_path, area, started, not_started):
    suites = REPOSITORY_ROOT / "suites"
    done = run(robot_command("robot", tmp_path / "out", suites, *_selection(area)), env=_without_llm_keys())

    assert done.returncode == 0, done.stdout[-3000:]
    (line,) = set(re.findall(r"Run \w+: PostgreSQL [^\n<]*", (tmp_path / "out" / "output.xml").read_text()))
    assert all(text in line for text in started + not_started), line
    assert "fault proxy" not in line, line


def test_a_redis_only_suite_drops_only_its_keys(tmp_path):
    suites = REPOSITORY_ROOT / "suites"
    done = run(robot_command("robot", tmp_path / "out", suites, "--include", "redisANDsmoke"), env=_without_llm_keys())

    assert done.returncode == 0, done.stdout[-3000:]
    drops = set(re.findall(r"Dropped [^\n<]*", (tmp_path / "out" / "output.xml").read_text()))
    assert drops, "no suite teardown said what it dropped"
    assert all(drop.startswith("Dropped keys ") and "schema" not in drop for drop in drops), drops


@pytest.mark.parametrize(("area", "started", "not_started"), AREAS)
def test_a_pabot_run_starts_only_the_services_its_processes_use(tmp_path, area, started, not_started):
    suites = REPOSITORY_ROOT / "suites"
    # The PostgreSQL selection is one suite, split per test to have several processes.
    split = ["--testlevelsplit"] if area == "postgres" else []
    options = ["--processes", "3", *split, *_selection(area)]
    done = run(robot_command("pabot", tmp_path / "out", suites, *options), env=_without_llm_keys())

    assert done.returncode == 0, done.stdout[-3000:]
    lines = re.findall(r"Run \w+: PostgreSQL [^\n<]*", (tmp_path / "out" / "output.xml").read_text())
    assert len(lines) >= 3, lines
    for line in lines:
        assert all(text in line for text in started + not_started), line
        assert "fault proxy" not in line, line
    (run_id,) = run_ids(tmp_path / "out")
    assert processes_of_run(run_id) == []
    assert not (runs_root() / run_id).exists()


def test_a_later_pabot_process_adds_the_service_the_run_lacks(tmp_path):
    hold = tmp_path / "hold"
    pabot = subprocess.Popen(
        robot_command("pabot", tmp_path / "out", HERE / "robot" / "mixed", "--processes", "2", "--variable",
                      f"HOLD_UNTIL:{hold}"),
        env=environment(),
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_until(lambda: hold.with_suffix(".added").exists(), timeout=90)
        run_dir = runs_root() / hold.with_suffix(".added").read_text().split("_")[1]
        supervisors = live_supervisors(run_dir)
        started = [sorted(json.loads(path.read_text())) for path in part_files(run_dir, SERVICES_FILE)]
    finally:
        hold.touch()
    assert pabot.wait(timeout=120) == 0

    assert len(supervisors) == 2, "the PostgreSQL suite should have added a supervisor of its own"
    assert started == [["redis"], ["postgres"]]
    output = (tmp_path / "out" / "output.xml").read_text()
    (redis_url,) = set(re.findall(r"Redis (redis://\S+),", output))
    redis_only = f"Run {run_dir.name}: PostgreSQL not used, Redis {redis_url}, LLM emulator not needed"
    both = rf"Run {run_dir.name}: PostgreSQL postgresql://\S+, Redis {re.escape(redis_url)}, LLM emulator not needed"
    lines = set(re.findall(r"Run \w+: PostgreSQL [^\n<]*", output))
    (added,) = lines - {redis_only}
    assert redis_only in lines and re.fullmatch(both, added), lines
    assert len(re.findall(r"Run \w+: embedded services stopped", output)) == 1
    assert processes_of_run(run_dir.name) == []
    assert not run_dir.exists()


def test_pabot_processes_share_one_postgres_and_one_redis(tmp_path):
    suites = make_suites(tmp_path, ["first", "second", "third", "fourth"])
    done = run(robot_command("pabot", tmp_path / "out", suites, "--processes", "4"))

    assert done.returncode == 0, done.stdout[-3000:]
    output = (tmp_path / "out" / "output.xml").read_text()
    (run_id,) = run_ids(tmp_path / "out")
    assert len(set(re.findall(r"PostgreSQL (postgresql://\S+),", output))) == 1
    assert len(set(re.findall(r"Redis (redis://\S+),", output))) == 1
    assert len(re.findall(r"Run \w+: embedded services stopped", output)) == 1
    assert len(set(re.findall(r"rfq_\w+", output))) == 4
    assert processes_of_run(run_id) == []


def test_pabot_keeps_the_servers_until_the_slowest_suite_has_ended(tmp_path):
    suites = make_suites(tmp_path, ["first", "second", "third", "fourth"])
    hold = tmp_path / "hold"
    options = ["--processes", "4", "--variable", f"HOLD_UNTIL:{hold}", "--variable", "HOLD_SUITE:First"]
    pabot = subprocess.Popen(
        robot_command("pabot", tmp_path / "out", suites, *options), env=environment(), stdout=subprocess.DEVNULL
    )
    assert wait_until(lambda: hold.with_suffix(".ready").exists(), timeout=60)
    run_dir = runs_root() / hold.with_suffix(".ready").read_text().split("_")[1]
    redis_url = join_run(run_dir).urls["redis"]
    open_namespaces = connect_redis(redis_url).keys(f"{OWNER_KEY_PREFIX}*")
    assert wait_until(lambda: len(connect_redis(redis_url).keys(f"{OWNER_KEY_PREFIX}*")) == 1, timeout=60)

    stopped_early = wait_until(lambda: not run_dir.exists(), timeout=2)
    hold.touch()

    assert pabot.wait(timeout=120) == 0
    assert not stopped_early, "the servers were stopped while the held suite was still running"
    assert len(open_namespaces) >= 1
    assert not run_dir.exists()


def test_killing_pabot_also_stops_its_pabotlib_server(tmp_path):
    suites = make_suites(tmp_path, ["first"])
    hold = tmp_path / "hold"
    options = ["--processes", "2", "--variable", f"HOLD_UNTIL:{hold}", "--variable", "HOLD_SUITE:First"]
    pabot = subprocess.Popen(
        robot_command("pabot", tmp_path / "out", suites, *options), env=environment(), stdout=subprocess.DEVNULL
    )
    assert wait_until(lambda: hold.with_suffix(".ready").exists(), timeout=60)
    (pabotlib,) = children_running(pabot.pid, "pabot.pabotlib")
    workers = [ProcessId.of(pid) for pid in _children(pabot.pid)]

    pabot.send_signal(signal.SIGKILL)
    pabot.wait()
    stopped = wait_until(lambda: not pabotlib.is_alive(), timeout=15)
    hold.touch()
    if not stopped:
        os.kill(pabotlib.pid, signal.SIGKILL)

    assert wait_until(lambda: not any(worker.is_alive() for worker in workers), timeout=60)
    assert stopped, "PabotLib's server outlived the killed pabot"


def _children(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == str(parent):
            children.append(int(stat.parent.name))
    return children


def test_a_killed_run_leaves_nothing_after_the_next_run(tmp_path, services):
    with psycopg.connect(services.database_url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS killed_run_test")
        admin.execute("CREATE DATABASE killed_run_test")
    database_url = services.database_url.rsplit("/", 1)[0] + "/killed_run_test"
    shared = {"DATABASE_URL": database_url, "REDIS_URL": services.redis_url}
    suites = make_suites(tmp_path, ["first"])
    hold = tmp_path / "hold"
    killed = subprocess.Popen(
        robot_command("robot", tmp_path / "killed", suites, "--variable", f"HOLD_UNTIL:{hold}"),
        env=environment(shared),
        stdout=subprocess.DEVNULL,
    )
    assert wait_until(lambda: hold.with_suffix(".ready").exists(), timeout=60)
    killed_schemas = _namespaces(database_url)
    killed_keys = connect_redis(services.redis_url).keys("rfq*")
    assert killed_schemas and killed_keys

    killed_run_id = hold.with_suffix(".ready").read_text().split("_")[1]
    assert processes_of_run(killed_run_id), "the held run should have its LLM emulator running"

    killed.send_signal(signal.SIGKILL)
    killed.wait()
    done = run(robot_command("robot", tmp_path / "next", suites), env=shared)

    assert done.returncode == 0, done.stdout
    assert processes_of_run(killed_run_id) == []
    assert _namespaces(database_url) == []
    assert [key for key in connect_redis(services.redis_url).keys("rfq*") if key in killed_keys] == []


def _namespaces(database_url: str) -> list[str]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        query = sql.SQL("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, {})")
        rows = connection.execute(query.format(sql.Literal(SCHEMA_PREFIX))).fetchall()
    return [name for (name,) in rows]
