"""A worker process: ``python -m examples.langgraph.app [--ready-file PATH] [--die-with-parent]``.

It takes runs from ``lg_runs`` and runs each as a LangGraph thread (thread id = run id). A run that another worker
left unfinished (it was killed) resumes from its last checkpoint with ``graph.invoke(None, config)``.

Settings come from the environment: ``LG_DATABASE_URL``, ``LG_SCHEMA``, ``LG_OPENAI_BASE_URL``,
``LG_OPENAI_API_KEY`` and ``LG_WORKER_NAME``.
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from langgraph.checkpoint.postgres import PostgresSaver

from . import graph, store
from .model import Models, describe

IDLE_POLL_S = 0.1
_PR_SET_PDEATHSIG = 1

log = logging.getLogger("examples.langgraph")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m examples.langgraph.app", description=__doc__.splitlines()[0])
    parser.add_argument("--ready-file", help="created once the worker takes runs")
    parser.add_argument("--die-with-parent", action="store_true", help="end when the parent process ends")
    arguments = parser.parse_args()
    if arguments.die_with_parent:
        die_with_parent()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    Worker(os.environ).serve(arguments.ready_file)


class Worker:
    """One process, two connections: the checkpointer's, and the one that holds this worker's run locks."""

    def __init__(self, env: os._Environ | dict[str, str]) -> None:
        self.name = env.get("LG_WORKER_NAME") or f"worker-{os.getpid()}"
        self.db = store.connect(env["LG_DATABASE_URL"], env["LG_SCHEMA"])
        store.prepare(self.db)
        self.saver = PostgresSaver(store.connect(env["LG_DATABASE_URL"], env["LG_SCHEMA"]))
        models = Models(
            base_url=env["LG_OPENAI_BASE_URL"],
            api_key=env.get("LG_OPENAI_API_KEY") or "unused",
            calls=store.LlmCalls(self.db),
        )
        self.graph = graph.build(self.saver, models)

    def serve(self, ready_file: str | None) -> None:
        if ready_file:
            Path(ready_file).write_text(str(os.getpid()))
        log.info("%s takes runs", self.name)
        while True:
            run = store.claim(self.db, self.name)
            if run is None:
                time.sleep(IDLE_POLL_S)
                continue
            try:
                self.execute(run)
            finally:
                store.release(self.db, run["id"])

    def execute(self, run: dict[str, Any]) -> None:
        """Runs (or resumes) one thread to its end and records the outcome."""
        config = {"configurable": {"thread_id": str(run["id"]), "model": run["model"]}}
        state = self.graph.get_state(config)
        if state.created_at is None:
            start: dict[str, Any] | None = {"goal": run["goal"]}
        else:
            start = None
            log.info("%s resumes run %s before %s", self.name, run["id"], state.next)
        try:
            if state.created_at is None or state.next:
                self.graph.invoke(start, config, durability="sync")
            answer = self.graph.get_state(config).values.get("answer")
        except Exception as error:
            log.info("run %s failed: %s", run["id"], error)
            store.finish(self.db, run["id"], "failed", error=describe(error))
            return
        store.finish(self.db, run["id"], "succeeded", result=answer)


def die_with_parent() -> None:
    """On Linux, this process gets SIGKILL when its parent ends (also when the parent is SIGKILLed)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


if __name__ == "__main__":
    main()
