"""The HTTP API: submit, read and cancel runs; ``/health``. FastAPI on uvicorn, one process.

- ``POST /runs`` ``{"goal", "provider", "model", "deadline_s"}`` (all but the goal optional) -> 201 ``{"id", "status"}``
- ``GET /runs/{id}`` -> status, result, error, steps, tokens, cost
- ``POST /runs/{id}/cancel`` -> 200, or 409 when the run has already ended
- ``GET /health`` -> 200 ok / degraded, 503 down
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import psycopg
import psycopg_pool
import redis
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from . import health, store
from .defects import Defects
from .maintenance import Maintenance
from .queues import Queues
from .settings import POOL_SIZES, Settings
from .states import RunStatus
from .store import Store

MAX_DEADLINE_S = 24 * 3600


class RunRequest(BaseModel):
    goal: str = Field(min_length=1, max_length=4000, description="What the agents should achieve.")
    provider: Literal["openai", "anthropic"] | None = Field(default=None, description="Default: ORCH_PROVIDER.")
    model: str | None = Field(default=None, min_length=1, max_length=200, description="Default: ORCH_<PROVIDER>_MODEL.")
    deadline_s: float | None = Field(default=None, gt=0, le=MAX_DEADLINE_S, description="Seconds to finish in.")


def create_app(settings: Settings) -> FastAPI:
    db = Store(settings, max_connections=POOL_SIZES["api"])
    queues = Queues(settings)
    defects = Defects(settings.defects)
    maintenance = Maintenance(db, queues, defects=defects)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        db.open()  # the schema and the consumer groups exist: `python -m orchestrator` checked them (preflight)
        maintenance.start()
        yield
        maintenance.stop()
        queues.close()
        db.close()

    app = FastAPI(title="Reference multi-agent orchestrator", lifespan=lifespan)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in problem['loc'] if p != 'body') or 'body'}: {problem['msg']}"
            for problem in error.errors()
        )
        return JSONResponse({"error": problems, "status": 422}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse({"error": error.detail, "status": error.status_code}, status_code=error.status_code)

    @app.post("/runs", status_code=201)
    def submit(request: RunRequest) -> dict[str, Any]:
        provider = request.provider or settings.provider
        deadline = request.deadline_s or settings.default_deadline
        with db.transaction() as connection:
            run, message = store.create_run(
                connection, request.goal, provider, request.model or settings.providers[provider].model, deadline
            )
            cached = store.cache_run(connection, str(run["id"]))
        _publish([message, cached])
        return {"id": str(run["id"]), "status": run["status"]}

    @app.get("/runs/{run_id}")
    def read(run_id: uuid.UUID) -> dict[str, Any]:
        with db.transaction() as connection:
            run = _existing_run(connection, run_id)
            steps = store.get_steps(connection, str(run_id))
            usage = store.usage(connection, str(run_id))
        return _run_view(run, steps, usage)

    @app.post("/runs/{run_id}/cancel")
    def cancel(run_id: uuid.UUID) -> dict[str, Any]:
        with db.transaction() as connection:
            run = _existing_run(connection, run_id)
            if not store.finish_run(connection, str(run_id), RunStatus.CANCELLED, error="cancelled on request"):
                raise HTTPException(409, f"run {run_id} has already ended: {run['status']}")
            cached = store.cache_run(connection, str(run_id))
        _publish([cached])
        return {"id": str(run_id), "status": RunStatus.CANCELLED.value}

    def _publish(messages: list[store.Message]) -> None:
        """Publishes committed outbox rows; when Redis or the marking fails, the relay publishes them (again)."""
        try:
            queues.publish(messages)
        except redis.RedisError:
            return
        with contextlib.suppress(psycopg.Error, psycopg_pool.PoolTimeout), db.transaction() as connection:
            store.mark_published(connection, [message.id for message in messages])

    @app.get("/health")
    def health_report() -> JSONResponse:
        answer = health.report(settings, db, queues, defects)
        return JSONResponse(answer, status_code=503 if answer["status"] == "down" else 200)

    return app


def _existing_run(connection: Any, run_id: uuid.UUID) -> dict[str, Any]:
    run = store.get_run(connection, str(run_id))
    if run is None:
        raise HTTPException(404, f"there is no run {run_id}")
    return run


def _run_view(run: dict[str, Any], steps: list[dict[str, Any]], usage: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(run["id"]),
        "goal": run["goal"],
        "provider": run["provider"],
        "model": run["model"],
        "status": run["status"],
        "result": run["result"],
        "error": run["error"],
        "created_at": run["created_at"].isoformat(),
        "finished_at": run["finished_at"].isoformat() if run["finished_at"] else None,
        "deadline_at": run["deadline_at"].isoformat(),
        "llm_calls": usage["llm_calls"],
        "input_tokens": usage["input_tokens"],
        "output_tokens": usage["output_tokens"],
        "cost_usd": float(usage["cost_usd"]),
        "steps": [
            {
                "step_no": step["step_no"],
                "description": step["description"],
                "tool": step["tool"],
                "status": step["status"],
                "result": step["result"],
                "error": step["error"],
                "deliveries": step["deliveries"],
                "applied": step["applied"],
                "llm_calls": step["llm_calls"],
                "worker": step["worker"],
            }
            for step in steps
        ],
    }
