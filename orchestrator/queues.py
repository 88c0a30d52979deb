"""Redis: a work stream per agent role with one consumer group, the dead-letter stream, the cached copy of each run,
heartbeats. The key layout is `keys.Keys`."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from .keys import DEAD_LETTER_STREAM, GROUP, RUN_CACHE, RUN_FIELDS, WORK_STREAMS, Keys
from .settings import Settings
from .store import Message

SOCKET_TIMEOUT_S = 5
_WRITE_RUN_COPY = """
local cached = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1') or -1
if tonumber(ARGV[1]) < cached then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""
"""Replaces the cached copy of a run unless the cache holds a newer version (ARGV: version, TTL in ms, fields)."""


@dataclass(frozen=True)
class Delivery:
    stream: str
    """The stream's name (``plan``, ``steps``, ``aggregate``), not its key."""
    id: str
    payload: dict[str, Any]
    deliveries: int


class Queues:
    """Every key lives under the system's key prefix, so several systems share one Redis without meeting."""

    def __init__(self, settings: Settings) -> None:
        self.keys = Keys(settings.key_prefix)
        self.run_cache_ttl_ms = max(1, int(settings.run_cache_ttl * 1000))
        self.redis = redis.Redis.from_url(
            settings.redis_url,
            socket_connect_timeout=SOCKET_TIMEOUT_S,
            socket_timeout=SOCKET_TIMEOUT_S,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
            decode_responses=True,
        )

    def close(self) -> None:
        self.redis.close()

    def ensure_groups(self) -> None:
        for stream in (*WORK_STREAMS, DEAD_LETTER_STREAM):
            try:
                self.redis.xgroup_create(self.keys.stream(stream), GROUP, id="0", mkstream=True)
            except redis.ResponseError as error:
                if "BUSYGROUP" not in str(error):
                    raise

    def publish(self, messages: list[Message]) -> None:
        """Adds each message to its stream; a `RUN_CACHE` message writes the run's cached copy instead."""
        if not messages:
            return
        pipe = self.redis.pipeline(transaction=False)
        for message in messages:
            if message.stream == RUN_CACHE:
                self._write_run_copy(pipe, message.payload)
            else:
                payload = {"payload": json.dumps(message.payload), "outbox": message.id}
                pipe.xadd(self.keys.stream(message.stream), payload)
        pipe.execute()

    def read(self, consumer: str, streams: tuple[str, ...], block_ms: int) -> list[Delivery]:
        answer = self.redis.xreadgroup(
            GROUP, consumer, {self.keys.stream(stream): ">" for stream in streams}, count=1, block=block_ms
        )
        return [
            Delivery(self.keys.stream_name(key), entry_id, _payload(fields), 1)
            for key, entries in answer or []
            for entry_id, fields in entries
            if fields is not None
        ]

    def claim_idle(self, consumer: str, stream: str, min_idle_ms: int) -> list[Delivery]:
        """Entries of dead or stuck consumers, idle past the visibility timeout (XAUTOCLAIM)."""
        key = self.keys.stream(stream)
        answer = self.redis.xautoclaim(key, GROUP, consumer, min_idle_time=min_idle_ms, start_id="0-0", count=5)
        claimed = []
        for entry_id, fields in answer[1]:
            if fields is None:
                self.redis.xack(key, GROUP, entry_id)
                continue
            pending = self.redis.xpending_range(key, GROUP, min=entry_id, max=entry_id, count=1)
            deliveries = pending[0]["times_delivered"] if pending else 1
            claimed.append(Delivery(stream, entry_id, _payload(fields), deliveries))
        return claimed

    def keep_claimed(self, consumer: str, delivery: Delivery, *, min_idle_s: float) -> None:
        """Resets the entry's idle time while it is being worked on, without counting a delivery.

        ``min_idle_s`` leaves alone an entry another agent has just taken over (its idle time was reset then).
        """
        key = self.keys.stream(delivery.stream)
        self.redis.xclaim(key, GROUP, consumer, int(min_idle_s * 1000), [delivery.id], justid=True)

    def ack(self, delivery: Delivery) -> None:
        key = self.keys.stream(delivery.stream)
        pipe = self.redis.pipeline(transaction=True)
        pipe.xack(key, GROUP, delivery.id)
        pipe.xdel(key, delivery.id)
        pipe.hdel(self.keys.delivery_errors, delivery.id)
        pipe.execute()

    def record_error(self, delivery: Delivery, error: str) -> None:
        self.redis.hset(self.keys.delivery_errors, delivery.id, error[:1000])

    def last_error(self, delivery: Delivery) -> str | None:
        return self.redis.hget(self.keys.delivery_errors, delivery.id)

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        entry = {
            "stream": delivery.stream,
            "id": delivery.id,
            "payload": json.dumps(delivery.payload),
            "deliveries": delivery.deliveries,
            "reason": reason,
        }
        self.redis.xadd(self.keys.dead_letters, entry)
        self.ack(delivery)

    def dead_letters(self) -> list[dict[str, Any]]:
        return [fields for _, fields in self.redis.xrange(self.keys.dead_letters)]

    def write_run_copy(self, copy: dict[str, Any]) -> bool:
        """Writes a run's copy (`store.run_copy`) unless the cache holds a newer version; True when it wrote."""
        pipe = self.redis.pipeline(transaction=False)
        self._write_run_copy(pipe, copy)
        return bool(pipe.execute()[0])

    def cached_runs(self, run_ids: list[str]) -> dict[str, dict[str, str]]:
        """The cached copy of each run (an empty dict when there is none), by run id."""
        pipe = self.redis.pipeline(transaction=False)
        for run_id in run_ids:
            pipe.hgetall(self.keys.run(run_id))
        return dict(zip(run_ids, pipe.execute(), strict=True))

    def _write_run_copy(self, pipe: Any, copy: dict[str, Any]) -> None:
        fields = {name: copy[name] for name in RUN_FIELDS if copy.get(name) is not None}
        fields |= {"version": copy["version"], "updated_at": f"{time.time():.3f}"}
        flat = [str(item) for pair in fields.items() for item in pair]
        pipe.eval(_WRITE_RUN_COPY, 1, self.keys.run(copy["run_id"]), copy["version"], self.run_cache_ttl_ms, *flat)

    def heartbeat(self, agent: str, info: dict[str, Any], ttl_s: float) -> None:
        self.redis.set(self.keys.heartbeat(agent), json.dumps(info), px=max(1, int(ttl_s * 1000)))

    def forget_worker(self, agent: str) -> None:
        self.redis.delete(self.keys.heartbeat(agent))

    def live_workers(self) -> list[dict[str, Any]]:
        keys = list(self.redis.scan_iter(match=self.keys.heartbeats, count=500))
        values = self.redis.mget(keys) if keys else []
        return [json.loads(value) for value in values if value]

    def has_epoch(self) -> bool:
        return bool(self.redis.exists(self.keys.epoch))

    def set_epoch(self) -> None:
        self.redis.set(self.keys.epoch, f"{time.time():.3f}")


def _payload(fields: dict[str, str]) -> dict[str, Any]:
    try:
        payload = json.loads(fields.get("payload", ""))
    except ValueError:
        return {"unreadable": fields}
    return payload if isinstance(payload, dict) else {"unreadable": fields}
