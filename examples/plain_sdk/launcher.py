"""The launcher: one OS process per run, at most ``limit`` at once, and a supervisor for the processes it started.

It starts ``<python> -m examples.plain_sdk.run <run id>`` for each pending run of ``ps_runs`` (oldest first) and
watches the processes. A process that ends while its run is unfinished (SIGKILL, a crash) fails its run with
error kind ``crashed``: the run is not resumed, and it never stays ``running``. PostgreSQL is the queue, so a
launcher started again on the same schema picks up the pending runs, and fails (``crashed``) the runs whose
process died with the launcher before it. One launcher per schema.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from typing import IO

from libraries.agent_system.contract import stop_processes

from . import store

POLL_S = 0.1
UNFINISHED = ("planning", "running", "aggregating")


class Launcher:
    """Starts and supervises run processes from a thread of the calling process."""

    def __init__(
        self,
        command: Sequence[str],
        env: dict[str, str],
        *,
        database_url: str,
        schema: str,
        limit: int,
        cwd: str,
        output: IO[bytes] | None = None,
        application_name: str = "plain_sdk",
    ) -> None:
        self.command = list(command)
        self.env = env
        self.limit = max(1, limit)
        self.cwd = cwd
        self.output = output
        self.supervise = True
        """False only to prove that the crash tests fail without supervision: dead processes' runs stay as they were."""
        self._db = store.connect(database_url, schema, application_name=application_name)
        store.prepare(self._db)
        self._live: dict[str, subprocess.Popen] = {}
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="plain_sdk launcher", daemon=True)

    def start(self) -> None:
        """Fails the runs a previous launcher left unfinished, then starts launching."""
        orphans = self._db.execute("SELECT id FROM ps_runs WHERE status = ANY(%s)", (list(UNFINISHED),)).fetchall()
        for orphan in orphans:
            store.fail(self._db, str(orphan["id"]), "crashed", "its process ended with the launcher before it")
        self._thread.start()

    def wake(self) -> None:
        """A run was submitted: launch it without waiting for the next poll."""
        self._wake.set()

    def live(self) -> dict[str, int]:
        """Run id → pid of every run process still alive."""
        with self._lock:
            return {run_id: process.pid for run_id, process in self._live.items() if process.poll() is None}

    def kill(self, run_id: str) -> None:
        """SIGKILLs the process of ``run_id`` and reaps it (its run is failed at once)."""
        with self._lock:
            process = self._live[run_id]
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGKILL)
            process.wait()
            self._reap()

    def stop(self, timeout_s: float) -> None:
        """Stops launching, ends every run process (SIGTERM, then SIGKILL) and fails their runs."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        with self._lock:
            processes = list(self._live.values())
        stop_processes(processes, timeout_s)
        with self._lock:
            self._reap()
        self._db.close()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                self._reap()
                self._launch()
            self._wake.wait(POLL_S)
            self._wake.clear()

    def _reap(self) -> None:
        for run_id, process in list(self._live.items()):
            if process.poll() is None:
                continue
            del self._live[run_id]
            if self.supervise:
                store.fail(self._db, run_id, "crashed", _ending(process))

    def _launch(self) -> None:
        free = self.limit - len(self._live)
        if free <= 0:
            return
        pending = self._db.execute(
            "SELECT id FROM ps_runs WHERE status = 'pending' AND NOT (id::text = ANY(%s)) ORDER BY created_at LIMIT %s",
            (list(self._live), free),
        ).fetchall()
        for row in pending:
            run_id = str(row["id"])
            self._live[run_id] = subprocess.Popen(
                [*self.command, run_id],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=self.output,
                stderr=subprocess.STDOUT,
            )
            self._db.execute("UPDATE ps_runs SET pid = %s WHERE id = %s", (self._live[run_id].pid, run_id))


def _ending(process: subprocess.Popen) -> str:
    code = process.returncode
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"its process (pid {process.pid}) was killed by {signal.Signals(-code).name} before the run ended"
    return f"its process (pid {process.pid}) ended with exit code {code} before the run ended"


def environment(settings: dict[str, str], inherited: dict[str, str] | None = None) -> dict[str, str]:
    """The run processes' environment: the caller's, without other PS_ and OPENAI_ settings, plus ``settings``."""
    base = dict(os.environ if inherited is None else inherited)
    return {**{k: v for k, v in base.items() if not k.startswith(("PS_", "OPENAI_"))}, **settings}
