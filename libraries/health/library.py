"""The health library: the status and latency of the services an agent system depends on."""

from __future__ import annotations

from datetime import timedelta

from robotlibcore import DynamicCore

from .deprecated import DeprecatedHealthKeywords
from .keywords import HealthKeywords

__version__ = "1.0.0"


class HealthLibrary(DynamicCore):
    """Health of the services an agent system depends on: ``ok``, ``degraded`` or ``down``, with latency.

    = Table of contents =

    %TOC%

    = Services and probes =

    | *Service*    | *Probe*                                          | *Where*                            |
    | PostgreSQL   | connect and ``SELECT 1``                         | the run's server (``DATABASE_URL``) |
    | Redis        | ``PING`` on a new connection                     | the run's server (``REDIS_URL``)   |
    | LLM          | an HTTP request to the endpoint's root           | the emulator or the real API       |
    | Agent System | the system under test's own report               | the suite's system (its adapter)   |
    | Auth Service | ``GET`` of ``AUTH_SERVICE_URL``                  | optional; skipped when unset       |

    = Status =

    ``down``: the probe failed, got an HTTP 5xx, or had no answer within ``timeout``. ``degraded``: it answered
    but slower than ``degraded_latency`` (or the system under test reports itself degraded). ``ok`` otherwise.
    Both are set at import (defaults 2 s and 250 ms, the reference system's own threshold) and per keyword.
    An HTTP answer below 500 counts as reachable: a 401 from an auth service says it is up.

    = Assertions and waiting =

    One getter serves every service, named as in the table above (any case; ``postgres`` works too):
    ``Get Service Health    Redis    ==    ok``. It takes AssertionEngine operators, and with ``retry_timeout`` it
    polls until the assertion holds. `Wait Until Redis Is Healthy` and its siblings poll until the status is
    ``ok`` for at most their ``timeout`` (their former ``retry_timeout`` argument still works in this release and
    warns) and fail naming the last status, latency and reason, and how long they waited. Latencies are
    seconds as numbers; an expected latency may be written ``50 ms``. The system under test's own status,
    without the latency grading, is `Get Agent System Health` of AgentSystemLibrary.

    = Deprecated keywords =

    `Get PostgreSQL Health`, `Get Redis Health`, `Get LLM Health` and `Get Auth Service Health` still work in
    this release and log a warning each time; write `Get Service Health` with the service's name instead.
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LIBRARY_VERSION = __version__

    def __init__(
        self, *, timeout: timedelta = timedelta(seconds=2), degraded_latency: timedelta = timedelta(milliseconds=250)
    ) -> None:
        """``timeout`` bounds each probe; an answer slower than ``degraded_latency`` is ``degraded``."""
        self.timeout = timeout
        self.degraded_latency = degraded_latency
        DynamicCore.__init__(self, [HealthKeywords(self), DeprecatedHealthKeywords(self)])
