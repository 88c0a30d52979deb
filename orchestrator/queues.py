"""Redis: a stream per role with one consumer group, the dead-letter stream, the run-status cache, heartbeats."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from .settings import Settings
from .store import Message

ROLES = ("plan", "steps", "aggregate")
ROLE_STREAMS = {"planner": "plan", "worker": "steps", "aggregator": "aggregate"}
"""The stream each agent role consumes."""
GROUP = "agents"
DEAD_LETTER = "dead"
SOCKET_TIMEOUT_S = 5


@dataclass(frozen=True)
class Delivery:
    stream: str
    id: str
    payload: dict[str, Any]
    deliveries: int


class Queues:
    """Every key lives under the system's key prefix, so several systems share one Redis without meeting."""

    def __init__(self, settings: Settings) -> None:
        self.prefix = settings.key_prefix
        self.redis = redis.Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=SOCKET_TIMEOUT_S,
            socket_timeout=SOCKET_TIMEOUT_S,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
            decode_responses=True,
        )

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def stream(self, role: str) -> str:
        return self.key("stream", role)

    def close(self) -> None:
        self.redis.close()

    def ensure_groups(self) -> None:
        for role in (*ROLES, DEAD_LETTER):
            try:
                self.redis.xgroup_create(self.stream(role), GROUP, id="0", mkstream=True)
            except redis.ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    def publish(self, messages: list[Message]) -> None:
        if not messages:
            return
        pipe = self.redis.pipeline(transaction=False)
        for message in messages:
            pipe.xadd(self.stream(message.stream), {"payload": json.dumps(message.payload), "outbox": message.id})
        pipe.execute()

    def read(self, consumer: str, roles: tuple[str, ...], block_ms: int) -> list[Delivery]:
        answer = self.redis.xreadgroup(
            GROUP, consumer, {self.stream(role): ">" for role in roles}, count=1, block=block_ms
        )
        return [
            Delivery(self._role(stream), entry_id, _payload(fields), 1)
            for stream, entries in answer or []
            for entry_id, fields in entries
            if fields is not None
        ]

    def claim_idle(self, consumer: str, role: str, min_idle_ms: int) -> list[Delivery]:
        """Entries of dead or stuck consumers, idle past the visibility timeout (XAUTOCLAIM)."""
        stream = self.stream(role)
        answer = self.redis.xautoclaim(stream, GROUP, consumer, min_idle_time=min_idle_ms, start_id="0-0", count=5)
        claimed = []
        for entry_id, fields in answer[1]:
            if fields is None:
                self.redis.xack(stream, GROUP, entry_id)
                continue
            pending = self.redis.xpending_range(stream, GROUP, min=entry_id, max=entry_id, count=1)
            deliveries = pending[0]["times_delivered"] if pending else 1
            claimed.append(Delivery(role, entry_id, _payload(fields), deliveries))
        return claimed

    def keep_claimed(self, consumer: str, delivery: Delivery, *, min_idle_s: float) -> None:
        """Resets the entry's idle time while it is being worked on, without counting a delivery.

        ``min_idle_s`` leaves alone an entry another agent has just taken over (its idle time was reset then).
        """
        stream = self.stream(delivery.stream)
        self.redis.xclaim(stream, GROUP, consumer, int(min_idle_s * 1000), [delivery.id], justid=True)

    def ack(self, delivery: Delivery) -> None:
        stream = self.stream(delivery.stream)
        pipe = self.redis.pipeline(transaction=True)
        pipe.xack(stream, GROUP, delivery.id)
        pipe.xdel(stream, delivery.id)
        pipe.hdel(self.key("delivery-errors"), delivery.id)
        pipe.execute()

    def record_error(self, delivery: Delivery, error: str) -> None:
        self.redis.hset(self.key("delivery-errors"), delivery.id, error[:1000])

    def last_error(self, delivery: Delivery) -> str | None:
        return self.redis.hget(self.key("delivery-errors"), delivery.id)

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        entry = {
            "stream": delivery.stream,
            "id": delivery.id,
            "payload": json.dumps(delivery.payload),
            "deliveries": delivery.deliveries,
            "reason": reason,
        }
        self.redis.xadd(self.stream(DEAD_LETTER), entry)
        self.ack(delivery)

    def dead_letters(self) -> list[dict[str, Any]]:
        return [fields for _, fields in self.redis.xrange(self.stream(DEAD_LETTER))]

    def cache_status(self, run_id: str, status: str) -> None:
        self.redis.hset(self.key("run", run_id), mapping={"status": status, "updated_at": f"{time.time():.3f}"})

    def repair_status(self, run_id: str, stored_status: Callable[[], str | None]) -> bool:
        """Writes the stored status unless an agent cached a newer one meanwhile (WATCH); True when it wrote."""
        key = self.key("run", run_id)
        with self.redis.pipeline() as pipe:
            try:
                pipe.watch(key)
                cached = pipe.hget(key, "status")
                status = stored_status()
                if status is None or status == cached:
                    return False
                pipe.multi()
                pipe.hset(key, mapping={"status": status, "updated_at": f"{time.time():.3f}"})
                pipe.execute()
            except redis.WatchError:
                return False
        return True

    def cached_statuses(self, run_ids: list[str]) -> dict[str, str | None]:
        pipe = self.redis.pipeline(transaction=False)
        for run_id in run_ids:
            pipe.hget(self.key("run", run_id), "status")
        return dict(zip(run_ids, pipe.execute(), strict=True))

    def heartbeat(self, consumer: str, info: dict[str, Any], ttl_s: float) -> None:
        self.redis.set(self.key("worker", consumer), json.dumps(info), px=max(1, int(ttl_s * 1000)))

    def forget_worker(self, consumer: str) -> None:
        self.redis.delete(self.key("worker", consumer))

    def live_workers(self) -> list[dict[str, Any]]:
        keys = list(self.redis.scan_iter(match=self.key("worker", "*"), count=500))
        values = self.redis.mget(keys) if keys else []
        return [json.loads(value) for value in values if value]

    def has_epoch(self) -> bool:
        return bool(self.redis.exists(self.key("epoch")))

    def set_epoch(self) -> None:
        self.redis.set(self.key("epoch"), f"{time.time():.3f}")

    def _role(self, stream: str) -> str:
        return stream.removeprefix(self.key("stream", ""))


def _payload(fields: dict[str, str]) -> dict[str, Any]:
    try:
        payload = json.loads(fields.get("payload", ""))
    except ValueError:
        return {"unreadable": fields}
    return payload if isinstance(payload, dict) else {"unreadable": fields}
