"""The API answers bad input with 4xx and one clear message; bad settings stop a process with one line."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import httpx2
import pytest

from .harness import System


@pytest.fixture
def api(start_system) -> httpx2.Client:
    system: System = start_system(workers=1)
    with httpx2.Client(base_url=system.adapter.api_url, timeout=10) as client:
        yield client


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "goal: Field required"),
        ({"goal": ""}, "goal: String should have at least 1 character"),
        ({"goal": "x", "provider": "mistral"}, "provider: Input should be 'openai' or 'anthropic'"),
        ({"goal": "x", "deadline_s": 0}, "deadline_s: Input should be greater than 0"),
    ],
)
def test_bad_run_requests_get_422_naming_the_field(api: httpx2.Client, body: dict, message: str) -> None:
    response = api.post("/runs", json=body)

    assert response.status_code == 422
    assert response.json() == {"error": message, "status": 422}


def test_unknown_and_malformed_run_ids(api: httpx2.Client) -> None:
    unknown = uuid.uuid4()

    assert api.get(f"/runs/{unknown}").json() == {"error": f"there is no run {unknown}", "status": 404}
    assert api.get("/runs/not-a-uuid").status_code == 422
    assert api.post(f"/runs/{unknown}/cancel").status_code == 404


def test_an_ended_run_cannot_be_cancelled(start_system) -> None:
    system: System = start_system(workers=1)
    run_id = system.submit()
    system.wait_finished(run_id)

    response = httpx2.post(f"{system.adapter.api_url}/runs/{run_id}/cancel", timeout=10)

    assert response.status_code == 409
    assert response.json()["error"] == f"run {run_id} has already ended: succeeded"


def test_health_reports_dependencies_and_workers(api: httpx2.Client) -> None:
    report = api.get("/health").json()

    assert report["status"] == "ok"
    assert set(report["dependencies"]) == {"postgres", "redis", "llm_openai", "llm_anthropic"}
    assert all(check["reachable"] for check in report["dependencies"].values())
    assert report["workers"]["live"] == 1


@pytest.mark.parametrize(
    ("settings", "line"),
    [
        ({}, "orchestrator: ORCH_DATABASE_URL is not set: give it as an environment variable"),
        (
            {"ORCH_DATABASE_URL": "postgresql://qa:canary-secret@127.0.0.1:1/x_test", "ORCH_REDIS_URL": "redis://x"},
            "orchestrator: ORCH_DATABASE_URL: PostgreSQL at postgresql://127.0.0.1:1 is not usable",
        ),
        (
            {"ORCH_DATABASE_URL": "postgresql://x", "ORCH_REDIS_URL": "redis://x", "ORCH_MAX_DELIVERIES": "zero"},
            "orchestrator: ORCH_MAX_DELIVERIES must be a whole number of at least 1, got 'zero'.",
        ),
        (
            {"ORCH_DATABASE_URL": "postgresql://x", "ORCH_REDIS_URL": "redis://x", "ORCH_FAILPOINT": "after_lunch"},
            "orchestrator: ORCH_FAILPOINT must be one of before_llm, after_llm, after_commit, got 'after_lunch'.",
        ),
    ],
)
def test_bad_settings_stop_at_once_with_one_line(settings: dict[str, str], line: str) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("ORCH_")}
    result = subprocess.run(
        [sys.executable, "-m", "orchestrator", "agent"],
        env={**env, **settings},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(line), result.stderr
    assert "canary-secret" not in result.stderr + result.stdout
