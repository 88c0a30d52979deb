"""An agent process: reads its roles' streams, reclaims what dead consumers left, dead-letters poison messages.

Per message: deliveries past ``ORCH_MAX_DELIVERIES`` go to the dead-letter stream and fail their step and run;
an unreadable message goes there at once; a handled message is acknowledged (XACK + XDEL); any other error leaves
it pending, to be reclaimed with XAUTOCLAIM once it has been idle for the visibility timeout. While a message is
being worked on, its idle time is reset every third of the visibility timeout, so a slow model call is not taken
over by another agent.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from types import FrameType

import psycopg
import psycopg_pool
import redis

from .agents import RoleHandlers, UnreadableMessage
from .defects import Defects
from .keys import AGGREGATE_STREAM, ROLE_STREAMS, STEP_STREAM, agent_name
from .llm import Models
from .queues import Delivery, Queues
from .settings import POOL_SIZES, Settings
from .store import Store

log = logging.getLogger("orchestrator.agent")
TRANSIENT_ERRORS = (redis.ConnectionError, redis.TimeoutError, psycopg.OperationalError, psycopg_pool.PoolTimeout)


class AgentProcess:
    """One agent process serving `roles`: a consumer named `name` in the group of each role's stream."""

    def __init__(self, settings: Settings, roles: tuple[str, ...], name: str | None = None) -> None:
        self.settings = settings
        self.streams = tuple(ROLE_STREAMS[role] for role in roles)
        self.roles = roles
        self.name = name or agent_name(socket.gethostname(), os.getpid())
        self.stopping = threading.Event()
        self.db = Store(settings, max_connections=POOL_SIZES["agent"], check_on_checkout=False)
        self.queues = Queues(settings)
        self.models = Models(settings)
        self.defects = Defects(settings.defects, settings.database_url, {"connect_timeout": 5})
        self.handlers = RoleHandlers(settings, self.db, self.queues, self.models, self.name, self.defects)
        self.started = time.time()
        self._next_reclaim = 0.0

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.db.open()  # the schema and the consumer groups exist: `python -m orchestrator` checked them (preflight)
        threading.Thread(target=self._beat, name="heartbeat", daemon=True).start()
        threading.Thread(target=self.models.warm_up, args=(self.settings.provider,), daemon=True).start()
        log.info("%s serves %s", self.name, ", ".join(self.roles))
        try:
            while not self.stopping.is_set():
                self._poll_once()
        finally:
            self._close()

    def _poll_once(self) -> None:
        keeper = None
        try:
            batch = self._next_deliveries()
            keeper = _ClaimKeeper(self.queues, self.name, batch, self.settings.visibility_timeout / 3)
            for delivery in batch:
                if self.stopping.is_set():
                    return
                self.process(delivery)
                keeper.release(delivery)
        except redis.ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            log.warning("consumer groups are gone (Redis lost its data?): creating them again")
            self.queues.ensure_groups()
        except TRANSIENT_ERRORS as error:
            log.warning("%s: %s; trying again", type(error).__name__, error)
            self.stopping.wait(0.5)
        finally:
            if keeper is not None:
                keeper.stop()

    def _next_deliveries(self) -> list[Delivery]:
        """Entries idle past the visibility timeout first, looked for every quarter of it (not before each read:
        that is a round trip per stream per message); otherwise the next new entries."""
        idle_ms = int(self.settings.visibility_timeout * 1000)
        if time.monotonic() >= self._next_reclaim and self.defects.claims_idle_entries():
            claimed = [d for stream in self.streams for d in self.queues.claim_idle(self.name, stream, idle_ms)]
            if claimed:
                return claimed
            self._next_reclaim = time.monotonic() + self.settings.visibility_timeout / 4
        block_ms = max(50, min(500, idle_ms // 2))
        return self.queues.read(self.name, self.streams, block_ms)

    def process(self, delivery: Delivery) -> None:
        if delivery.deliveries > self.defects.delivery_limit(self.settings.max_deliveries):
            last = self.queues.last_error(delivery) or "the agent working on it stopped (killed or crashed)"
            reason = f"dead-lettered after {delivery.deliveries - 1} deliveries; last error: {last}"
            self.handlers.dead_lettered(delivery, reason)
            self.queues.dead_letter(delivery, reason)
            return
        acked_early = self.defects.acks_before_work()
        if acked_early:
            self.queues.ack(delivery)
        try:
            if delivery.stream == STEP_STREAM:
                self.defects.step_started()
            self.handlers.handle(delivery)
        except UnreadableMessage as error:
            self.handlers.dead_lettered(delivery, str(error))
            self.queues.dead_letter(delivery, f"unreadable: {error}")
            return
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:  # unclassified: leave it pending, to be redelivered
            log.exception("%s %s failed (delivery %s)", delivery.stream, delivery.id, delivery.deliveries)
            self.queues.record_error(delivery, f"{type(error).__name__}: {error}")
            return
        if not acked_early:
            self.queues.ack(delivery)
        if delivery.stream == AGGREGATE_STREAM:
            self.defects.run_finished()

    def _beat(self) -> None:
        info = {"name": self.name, "pid": os.getpid(), "roles": list(self.roles), "started": self.started}
        while not self.stopping.is_set():
            try:
                self.queues.heartbeat(self.name, info, ttl_s=self.settings.heartbeat_interval * 3)
            except redis.RedisError as error:
                log.warning("heartbeat failed: %s", error)
            self.stopping.wait(self.settings.heartbeat_interval)

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        log.info("%s stops after the current message (signal %s)", self.name, signum)
        self.stopping.set()

    def _close(self) -> None:
        with contextlib.suppress(redis.RedisError):
            self.queues.forget_worker(self.name)
        self.queues.close()
        self.db.close()


class _ClaimKeeper:
    """Resets the idle time of every message of a batch that is not yet handled, until stopped.

    Messages waiting behind the one being worked on stay claimed too, so none is taken over (and its delivery
    count used up) while this agent is busy and alive.
    """

    def __init__(self, queues: Queues, consumer: str, batch: list[Delivery], every_s: float) -> None:
        self._waiting = {delivery.id: delivery for delivery in batch}
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._keep, args=(queues, consumer, every_s), name="claim-keeper", daemon=True
        )
        if batch:
            self._thread.start()

    def release(self, delivery: Delivery) -> None:
        with self._lock:
            self._waiting.pop(delivery.id, None)

    def _keep(self, queues: Queues, consumer: str, every_s: float) -> None:
        while not self._done.wait(every_s):
            with self._lock:
                waiting = list(self._waiting.values())
            for delivery in waiting:
                try:
                    queues.keep_claimed(consumer, delivery, min_idle_s=every_s / 2)
                except redis.RedisError as error:
                    log.warning("could not keep %s claimed: %s", delivery.id, error)

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
