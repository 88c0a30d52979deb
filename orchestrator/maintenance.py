"""Background duties of the API process: the outbox relay, run deadlines and the cache reconciler.

- relay: publishes outbox rows that the committing process did not (it crashed, or Redis was away);
- deadlines: fails every unfinished run past its deadline, so no run stays unfinished for ever;
- reconciler: makes the cached copy of each run in Redis agree with PostgreSQL (never the other way: a wrong value
  stored in PostgreSQL is copied to the cache); when Redis has lost its data (its epoch key is
  gone) it also recreates the consumer groups and publishes the outstanding work of every unfinished run again.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
import psycopg_pool
import redis

from . import store
from .defects import Defects
from .keys import RUN_FIELDS, result_digest
from .queues import Queues
from .store import Message, Store

log = logging.getLogger("orchestrator.maintenance")
RELAY_GRACE_S = 1.0
RECENT_RUNS_S = 3600.0


class Maintenance:
    def __init__(
        self,
        db: Store,
        queues: Queues,
        *,
        every_s: float = 0.25,
        reconcile_every_s: float = 1.0,
        defects: Defects | None = None,
    ) -> None:
        self.db = db
        self.queues = queues
        self.defects = defects or Defects(())
        self.every_s = every_s
        self.reconcile_every_s = reconcile_every_s
        self.repairs = 0
        self._suspects: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="maintenance", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        last_reconcile = 0.0
        while not self._stop.wait(self.every_s):
            try:
                self.relay()
                self.expire_deadlines()
                if time.monotonic() - last_reconcile >= self.reconcile_every_s:
                    self.reconcile()
                    last_reconcile = time.monotonic()
            except (redis.RedisError, psycopg.Error, psycopg_pool.PoolTimeout) as error:
                log.warning("maintenance deferred: %s: %s", type(error).__name__, error)

    def relay(self) -> int:
        with self.db.transaction() as db:
            messages = store.unpublished(db, RELAY_GRACE_S)
            if messages:
                self.queues.publish(messages)
                store.mark_published(db, [message.id for message in messages])
        if messages:
            log.info("relayed %d unpublished message(s)", len(messages))
        return len(messages)

    def expire_deadlines(self) -> None:
        if not self.defects.enforces_deadlines():
            return
        with self.db.transaction() as db:
            expired = store.expire_deadlines(db)
        copies = [run["cache"] for run in expired]
        if copies:
            self.queues.publish(copies)
            with self.db.transaction() as db:
                store.mark_published(db, [message.id for message in copies])

    def reconcile(self) -> int:
        """Makes the cached copy of every recent run agree with PostgreSQL; returns how many copies it rewrote.

        A copy is rewritten when it differed on two passes in a row (``reconcile_every_s`` apart), so a write
        between a commit and its cache update is never raced."""
        if not self.queues.has_epoch():
            self._rebuild_streams()
        with self.db.transaction() as db:
            stored = store.recent_run_summaries(db, RECENT_RUNS_S)
        cached = self.queues.cached_runs(list(stored))
        differing = {run_id: differing_fields(summary, cached[run_id]) for run_id, summary in stored.items()}
        differing = {run_id: differ for run_id, differ in differing.items() if differ}
        repaired = 0
        rewrite = self._copy_cache_into_store if self.defects.reconciles_wrong_way() else self._rewrite
        for run_id, differ in differing.items():
            if run_id in self._suspects and rewrite(run_id, cached[run_id]):
                repaired += 1
                log.info("reconciler rewrote the cached copy of run %s from PostgreSQL: %s", run_id, ", ".join(differ))
        self._suspects = set(differing)
        self.repairs += repaired
        return repaired

    def _rewrite(self, run_id: str, _cached: dict[str, str]) -> bool:
        with self.db.transaction() as db:
            copy = store.run_copy(db, run_id)
        return copy is not None and self.queues.write_run_copy(copy)

    def _copy_cache_into_store(self, run_id: str, cached: dict[str, str]) -> bool:
        """The seeded defect `reconcile_wrong_way`: the cached status and result overwrite the stored ones."""
        if "status" not in cached:
            return False
        with self.db.transaction() as db:
            store.overwrite_run(db, run_id, cached["status"], cached.get("result"))
        return True

    def _rebuild_streams(self) -> None:
        self.queues.ensure_groups()
        with self.db.transaction() as db:
            work = store.outstanding_work(db)
        self.queues.publish([Message(0, stream, payload) for stream, payload in work])
        self.queues.set_epoch()
        if work:
            log.warning("Redis had lost its data: published %d outstanding message(s) again", len(work))


def differing_fields(summary: dict[str, object], cached: dict[str, str]) -> list[str]:
    """The fields in which a cached copy (strings; absent fields missing) differs from a run's stored summary
    (`store.recent_run_summaries`); a cached result is checked against the stored digest."""
    differ = [
        name
        for name in RUN_FIELDS
        if name != "result" and (None if summary[name] is None else str(summary[name])) != cached.get(name)
    ]
    if result_digest(cached.get("result")) != summary["result_digest"]:
        differ.append("result")
    return differ
