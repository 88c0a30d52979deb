"""``/health``: each dependency's reachability and latency, and the live workers, as ok / degraded / down.

down: PostgreSQL or Redis does not answer, or no agent is alive. degraded: a dependency is slower than
``ORCH_DEGRADED_LATENCY``, a model endpoint cannot be reached, or fewer agents are alive than ``ORCH_WORKERS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx2

from .queues import Queues
from .settings import Settings
from .store import Store

PROBE_TIMEOUT_S = 2.0
DEFAULT_ENDPOINTS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}


def report(settings: Settings, db: Store, queues: Queues) -> dict[str, Any]:
    checks = {
        "postgres": _probe(_select_one, db),
        "redis": _probe(queues.redis.ping),
        **{f"llm_{name}": _probe(_reach, _endpoint(name, p.base_url)) for name, p in settings.providers.items()},
    }
    workers = _probe(queues.live_workers) if checks["redis"]["reachable"] else {"reachable": False}
    live = workers.pop("value", [])
    slow = [name for name, check in checks.items() if check["latency_ms"] > settings.degraded_latency * 1000]
    if not checks["postgres"]["reachable"] or not checks["redis"]["reachable"] or not live:
        status = "down"
    elif slow or len(live) < settings.workers or not all(c["reachable"] for c in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    for check in checks.values():
        check.pop("value", None)
    return {
        "status": status,
        "dependencies": checks,
        "workers": {
            "live": len(live),
            "expected": settings.workers,
            "names": sorted(worker["name"] for worker in live),
        },
    }


def _probe(check: Callable[..., Any], *arguments: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        value = check(*arguments)
    except Exception as error:
        return {"reachable": False, "latency_ms": _elapsed_ms(started), "error": type(error).__name__}
    return {"reachable": True, "latency_ms": _elapsed_ms(started), "value": value}


def _select_one(db: Store) -> None:
    with db.pool.connection(timeout=PROBE_TIMEOUT_S) as connection:
        connection.execute("SELECT 1")


_probe_client = httpx2.Client(timeout=PROBE_TIMEOUT_S)


def _reach(url: str) -> None:
    """Any HTTP answer counts: the endpoint is there (a 401 or 404 on its root is fine)."""
    _probe_client.get(url)


def _endpoint(provider: str, base_url: str | None) -> str:
    parts = urlsplit(base_url or DEFAULT_ENDPOINTS[provider])
    return f"{parts.scheme}://{parts.netloc}/"


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
