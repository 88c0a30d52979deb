"""``/health``: each dependency's reachability and latency, and the live workers, as ok / degraded / down.

down: PostgreSQL or Redis does not answer (within ``PROBE_TIMEOUT_S``), or no agent is alive. degraded: a dependency
is slower than ``ORCH_DEGRADED_LATENCY``, a model endpoint cannot be reached, or fewer agents are alive than
``ORCH_WORKERS``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from urllib.parse import urlsplit

import httpx2

from .defects import Defects
from .queues import Queues
from .settings import Settings
from .store import Store

PROBE_TIMEOUT_S = 2.0
DEFAULT_ENDPOINTS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}


def report(settings: Settings, db: Store, queues: Queues, defects: Defects | None = None) -> dict[str, Any]:
    hide_redis_errors = defects is not None and defects.hides_redis_errors()
    checks = {
        "postgres": _probe("postgres", db.ping, PROBE_TIMEOUT_S),
        "redis": _probe("redis", _quietly(queues.redis.ping) if hide_redis_errors else queues.redis.ping),
        **{
            f"llm_{name}": _probe(f"llm_{name}", _reach, _endpoint(name, p.base_url))
            for name, p in settings.providers.items()
        },
    }
    live_workers = _quietly(queues.live_workers) if hide_redis_errors else queues.live_workers
    workers = _probe("workers", live_workers) if checks["redis"]["reachable"] else {"reachable": False}
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


_last_answers: dict[str, Any] = {}
_background: dict[str, threading.Thread] = {}


def _quietly(check: Callable[[], Any]) -> Callable[[], Any]:
    """The seeded defect `health_ok_while_redis_down`: the probe sends its request in the background and answers
    with the last value it saw, never waiting for (or looking at) the dependency's error."""
    name = getattr(check, "__name__", repr(check))

    def remember() -> None:
        with contextlib.suppress(Exception):
            _last_answers[name] = check()

    def answer() -> Any:
        running = _background.get(name)
        if running is None or not running.is_alive():
            _background[name] = threading.Thread(target=remember, name=f"health-{name}", daemon=True)
            _background[name].start()
            if running is None:
                _background[name].join(PROBE_TIMEOUT_S)
        return _last_answers.get(name, [] if name == "live_workers" else None)

    return answer


_probe_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="health-probe")
_in_flight: dict[str, Future] = {}
_in_flight_lock = threading.Lock()


def _probe(name: str, check: Callable[..., Any], *arguments: Any) -> dict[str, Any]:
    """Runs `check` for at most PROBE_TIMEOUT_S: a dependency that swallows requests (a blackhole, where no socket
    timeout fires) is reported unreachable instead of hanging /health. While a probe of `name` still hangs, no
    second one is started."""
    started = time.perf_counter()
    with _in_flight_lock:
        running = _in_flight.get(name)
        if running is not None and not running.done():
            return {"reachable": False, "latency_ms": 0.0, "error": "TimeoutError"}
        future = _in_flight[name] = _probe_pool.submit(check, *arguments)
    try:
        value = future.result(timeout=PROBE_TIMEOUT_S)
    except FutureTimeout:
        return {"reachable": False, "latency_ms": _elapsed_ms(started), "error": "TimeoutError"}
    except Exception as error:
        return {"reachable": False, "latency_ms": _elapsed_ms(started), "error": type(error).__name__}
    return {"reachable": True, "latency_ms": _elapsed_ms(started), "value": value}


_probe_client = httpx2.Client(timeout=PROBE_TIMEOUT_S)


def _reach(url: str) -> None:
    """Any HTTP answer counts: the endpoint is there (a 401 or 404 on its root is fine)."""
    _probe_client.get(url)


def _endpoint(provider: str, base_url: str | None) -> str:
    parts = urlsplit(base_url or DEFAULT_ENDPOINTS[provider])
    return f"{parts.scheme}://{parts.netloc}/"


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
