"""One health probe per kind of service: reachable or not, and how long the answer took.

Every probe is bounded by ``timeout`` twice over: the client's own timeouts, and a thread that is abandoned when it
has not returned in time (a blackholed server can hold a connection open past any socket timeout).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx2
import psycopg
import redis

STATUSES = ("ok", "degraded", "down")
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="health-probe")


@dataclass(frozen=True)
class Check:
    """What one probe saw. ``detail`` never holds a secret: URLs in it are masked by the caller."""

    service: str
    status: str
    latency_s: float
    detail: str = ""

    def describe(self) -> str:
        return f"{self.service} {self.status} in {self.latency_s * 1000:.1f} ms" + (
            f" ({self.detail})" if self.detail else ""
        )


def classify(service: str, answer: Callable[[], str | None], *, timeout_s: float, degraded_s: float) -> Check:
    """Runs ``answer`` (it returns the service's own status, or None) within ``timeout_s`` and grades it:
    down when it fails or does not return in time, degraded when slower than ``degraded_s``, else its own
    status or ok."""
    started = time.perf_counter()
    future = _pool.submit(answer)
    try:
        own = future.result(timeout=timeout_s)
    except FutureTimeout:
        return Check(service, "down", time.perf_counter() - started, f"no answer within {timeout_s:g} s")
    except Exception as error:
        return Check(service, "down", time.perf_counter() - started, _reason(error))
    latency = time.perf_counter() - started
    status = own if own in STATUSES else "ok"
    if status == "ok" and latency > degraded_s:
        return Check(service, "degraded", latency, f"slower than {degraded_s * 1000:g} ms")
    return Check(service, status, latency, "" if status == "ok" else f"the service reports {status}")


def postgres(url: str, timeout_s: float) -> Callable[[], None]:
    def answer() -> None:
        with psycopg.connect(
            url,
            connect_timeout=max(2, math.ceil(timeout_s)),
            options=f"-c statement_timeout={max(1, round(timeout_s * 1000))}",
            autocommit=True,
        ) as connection:
            connection.execute("SELECT 1")

    return answer


def redis_ping(url: str, timeout_s: float) -> Callable[[], None]:
    def answer() -> None:
        client = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s, retry=None)
        try:
            client.ping()
        finally:
            client.close()

    return answer


def http(url: str, timeout_s: float, *, root: bool = False) -> Callable[[], None]:
    """Any answer below 500 counts (a 401 or 404 says the service is there); 5xx is down."""
    target = _root(url) if root else url

    def answer() -> None:
        with httpx2.Client(timeout=timeout_s) as client:
            response = client.get(target)
        if response.status_code >= 500:
            raise ServiceError(f"HTTP {response.status_code}")

    return answer


def system(health: Callable[[], dict[str, Any]]) -> Callable[[], str]:
    def answer() -> str:
        return str(health().get("status"))

    return answer


class ServiceError(RuntimeError):
    pass


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    if isinstance(error, ServiceError):
        return text
    return f"{type(error).__name__}: {text[:160]}" if text else type(error).__name__
