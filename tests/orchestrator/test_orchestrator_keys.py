"""The Redis key layout is defined once (orchestrator/keys.py), is the one README documents, and stays light to
import, because the kit's adapter imports it in every Robot run."""

from __future__ import annotations

import subprocess
import sys

from orchestrator.keys import GROUP, ROLE_STREAMS, STREAM_ROLES, WORK_STREAMS, Keys, agent_name


def test_the_keys_are_the_documented_layout() -> None:
    keys = Keys("orch:")

    assert [keys.stream(name) for name in WORK_STREAMS] == [
        "orch:stream:plan",
        "orch:stream:steps",
        "orch:stream:aggregate",
    ]
    assert keys.dead_letters == "orch:stream:dead"
    assert keys.delivery_errors == "orch:delivery-errors"
    assert keys.run_status("42") == "orch:run:42"
    assert keys.heartbeat("agent-a") == "orch:worker:agent-a"
    assert keys.heartbeats == "orch:worker:*"
    assert keys.epoch == "orch:epoch"
    assert keys.everything == "orch:*"
    assert GROUP == "agents"
    assert agent_name("host", 7) == "agent-host-7"


def test_each_role_has_one_stream_and_each_stream_one_role() -> None:
    assert ROLE_STREAMS == {"planner": "plan", "worker": "steps", "aggregator": "aggregate"}
    assert {STREAM_ROLES[stream] for stream in WORK_STREAMS} == set(ROLE_STREAMS)
    assert Keys("x:").stream_name(Keys("x:").stream("steps")) == "steps"


def test_the_modules_the_adapter_imports_load_no_server_clients_or_web_framework() -> None:
    heavy = ("fastapi", "uvicorn", "psycopg", "psycopg_pool", "redis", "openai", "anthropic", "httpx2", "jsonschema")
    probe = (
        "import sys, orchestrator.keys, orchestrator.states; "
        f"print(','.join(name for name in {heavy!r} if name in sys.modules))"
    )

    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)

    assert loaded.stdout.strip() == ""
