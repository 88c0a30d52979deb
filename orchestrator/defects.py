"""The catalogue of seeded defects: test-only misbehaviour that proves the kit's checks can fail.

``ORCHESTRATOR_DEFECTS=name[,name]`` switches defects on (read in `settings`, refused unless the PostgreSQL target
looks like a test database). This is the only way the reference system misbehaves on purpose: each defect is a name
in `CATALOGUE` with a one-line symptom, and a hook of `Defects` that an agent calls at a fixed point of its work.
"""

from __future__ import annotations

from typing import Any

LEAK_MEMORY_PER_RUN = "leak_memory_per_run"
HOLD_CONNECTION_PER_STEP = "hold_connection_per_step"

CATALOGUE = {
    LEAK_MEMORY_PER_RUN: "each finished run keeps about 1 MiB alive in the agent process that finished it",
    HOLD_CONNECTION_PER_STEP: "each step opens a PostgreSQL connection outside the pool and never closes it",
}
"""Every defect by name, with the symptom a test of the kit must catch."""

LEAKED_BYTES_PER_RUN = 1024 * 1024
HELD_CONNECTIONS_MAX = 8
"""Per agent process: more than its pool allows, few enough to leave a shared test server usable."""

_leaked: list[bytes] = []
_held: list[Any] = []


class Defects:
    """The hooks of the defects switched on in one agent process."""

    def __init__(self, names: tuple[str, ...], database_url: str, connect_options: dict[str, Any]) -> None:
        self.names = frozenset(names)
        self._database_url = database_url
        self._connect_options = connect_options

    def run_finished(self) -> None:
        if LEAK_MEMORY_PER_RUN in self.names:
            _leaked.append(b"\x01" * LEAKED_BYTES_PER_RUN)  # written, so every page is resident

    def step_started(self) -> None:
        if HOLD_CONNECTION_PER_STEP in self.names and len(_held) < HELD_CONNECTIONS_MAX:
            import psycopg  # the catalogue itself is standard library only: the settings and the kit read it

            _held.append(psycopg.connect(self._database_url, **self._connect_options))
