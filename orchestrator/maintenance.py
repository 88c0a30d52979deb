"""Background duties of the API process: the outbox relay, run deadlines and the cache reconciler.

- relay: publishes outbox rows that the committing process did not (it crashed, or Redis was away);
- deadlines: fails every unfinished run past its deadline, so no run stays unfinished for ever;
- reconciler: makes the Redis run-status cache agree with PostgreSQL; when Redis has lost its data (its epoch key is
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
from .queues import Queues
from .states import RunStatus
from .store import Message, Store

log = logging.getLogger("orchestrator.maintenance")
RELAY_GRACE_S = 1.0
RECENT_RUNS_S = 3600.0


class Maintenance:
    def __init__(self, db: Store, queues: Queues, *, every_s: float = 0.25, reconcile_every_s: float = 1.0) -> None:
        self.db = db
        self.queues = queues
        self.every_s = every_s
        self.reconcile_every_s = reconcile_every_s
        self.repairs = 0
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
        with self.db.transaction() as db:
            expired = store.expire_deadlines(db)
        for run in expired:
            self.queues.cache_status(str(run["id"]), RunStatus.FAILED)

    def reconcile(self) -> int:
        """Repairs the cache from PostgreSQL; returns how many runs it repaired."""
        if not self.queues.has_epoch():
            self._rebuild_streams()
        with self.db.transaction() as db:
            stored = store.statuses(db, RECENT_RUNS_S)
        cached = self.queues.cached_statuses(list(stored))
        wrong = [run_id for run_id, status in stored.items() if cached.get(run_id) != status]
        repaired = sum(self.queues.repair_status(run_id, lambda r=run_id: self._stored_status(r)) for run_id in wrong)
        if repaired:
            self.repairs += repaired
            log.info("reconciler repaired the cached status of %d run(s)", repaired)
        return repaired

    def _stored_status(self, run_id: str) -> str | None:
        with self.db.transaction() as db:
            run = store.get_run(db, run_id)
        return run["status"] if run else None

    def _rebuild_streams(self) -> None:
        self.queues.ensure_groups()
        with self.db.transaction() as db:
            work = store.outstanding_work(db)
        self.queues.publish([Message(0, stream, payload) for stream, payload in work])
        self.queues.set_epoch()
        if work:
            log.warning("Redis had lost its data: published %d outstanding message(s) again", len(work))
