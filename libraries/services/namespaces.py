"""Per-suite namespaces on shared servers: a PostgreSQL schema and a Redis key prefix, and the janitor for dead runs.

Names carry the run id (a UTC time stamp plus randomness), so a janitor can tell their age. Each namespace also
records its owner process (`host pid:starttime`): on the owner's host a dead owner means the namespace is garbage;
from other hosts only the age can tell.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass

import psycopg
import redis
from psycopg import sql
from redis.backoff import NoBackoff
from redis.retry import Retry

from .processes import ProcessId
from .runtime import Namespace

SCHEMA_PREFIX = "rfq_"
KEY_PREFIX = "rfq:"
OWNER_KEY_PREFIX = "rfq-owner:"
CONNECT_TIMEOUT = 4
DROP_LOCK_TIMEOUT = "10s"
UNLINK_BATCH = 500


def namespace_for(run_id: str, suite_longname: str, process: int) -> Namespace:
    """`rfq_<run id>_<suite slug>_<hash>` and `rfq:<run id>:<suite slug>_<hash>:`; unique per run, suite and process."""
    slug = re.sub(r"[^a-z0-9]+", "_", suite_longname.rsplit(".", 1)[-1].lower()).strip("_")[:24] or "suite"
    suite_id = f"{slug}_{hashlib.sha1(f'{suite_longname}:{process}'.encode()).hexdigest()[:6]}"
    return Namespace(schema=f"{SCHEMA_PREFIX}{run_id}_{suite_id}", key_prefix=f"{KEY_PREFIX}{run_id}:{suite_id}:")


def owner_tag(owner: ProcessId) -> str:
    return f"{socket.gethostname()} {owner}"


def is_abandoned(run_id: str, tag: str | None, max_age: float) -> bool:
    """A namespace whose owner died on this host, that has no owner, or that is older than `max_age` seconds."""
    if time.time() - _run_started(run_id) > max_age or not tag:
        return True
    host, _, owner = tag.partition(" ")
    return host == socket.gethostname() and not ProcessId.parse(owner).is_alive()


def _run_started(run_id: str) -> float:
    try:
        return calendar.timegm(time.strptime(run_id[:14], "%Y%m%d%H%M%S"))
    except ValueError:
        return 0.0


def connect_postgres(url: str) -> psycopg.Connection:
    return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, autocommit=True)


def connect_redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=CONNECT_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
    )


@dataclass
class NamespaceStore:
    """Creates, drops and sweeps namespaces over its own short-lived admin connections."""

    database_url: str
    redis_url: str

    def __post_init__(self) -> None:
        self._postgres: psycopg.Connection | None = None
        self._redis: redis.Redis | None = None

    @property
    def postgres(self) -> psycopg.Connection:
        if self._postgres is None or self._postgres.closed:
            self._postgres = connect_postgres(self.database_url)
        return self._postgres

    @property
    def redis(self) -> redis.Redis:
        if self._redis is None:
            self._redis = connect_redis(self.redis_url)
        return self._redis

    def close(self) -> None:
        if self._postgres is not None:
            self._postgres.close()
        if self._redis is not None:
            self._redis.close()

    def create(self, namespace: Namespace, owner: ProcessId) -> None:
        tag = owner_tag(owner)
        if self.redis_url:
            self.redis.set(_owner_key(namespace.key_prefix), tag)
        if not self.database_url:
            return
        schema = sql.Identifier(namespace.schema)
        with self.postgres.transaction():
            self.postgres.execute(sql.SQL("CREATE SCHEMA {}").format(schema))
            self.postgres.execute(sql.SQL("COMMENT ON SCHEMA {} IS {}").format(schema, sql.Literal(tag)))

    def drop(self, namespace: Namespace) -> list[str]:
        """Drops the namespace on the servers this store has; returns what it dropped, in words for a log."""
        dropped = []
        if self.database_url:
            self._drop_schema(namespace.schema)
            dropped.append(f"schema {namespace.schema}")
        if self.redis_url:
            self._drop_prefix(namespace.key_prefix)
            dropped.append(f"keys {namespace.key_prefix}*")
        return dropped

    def _drop_schema(self, schema: str) -> None:
        with self.postgres.transaction():
            self.postgres.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(DROP_LOCK_TIMEOUT)))
            self.postgres.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))

    def _drop_prefix(self, prefix: str) -> None:
        batch: list[str] = []
        for key in self.redis.scan_iter(f"{prefix}*", 1000):
            batch.append(key)
            if len(batch) >= UNLINK_BATCH:
                self.redis.unlink(*batch)
                batch.clear()
        self.redis.unlink(*batch, _owner_key(prefix))

    def sweep(self, max_age: float, services: Collection[str] = ("postgres", "redis")) -> list[str]:
        """Drop the schemas and keys of dead runs on those of `services` this store has; return what was dropped."""
        schemas = self._sweep_schemas(max_age) if self.database_url and "postgres" in services else []
        return schemas + (self._sweep_prefixes(max_age) if self.redis_url and "redis" in services else [])

    def _sweep_schemas(self, max_age: float) -> list[str]:
        rows = self.postgres.execute(
            "SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname LIKE %s",
            [SCHEMA_PREFIX.replace("_", r"\_") + "%"],
        ).fetchall()
        dropped = []
        for schema, tag in rows:
            if is_abandoned(schema[len(SCHEMA_PREFIX) :], tag, max_age):
                self._drop_schema(schema)
                dropped.append(schema)
        return dropped

    def _sweep_prefixes(self, max_age: float) -> list[str]:
        owners = {key[len(OWNER_KEY_PREFIX) :]: key for key in self.redis.scan_iter(f"{OWNER_KEY_PREFIX}*", 1000)}
        prefixes = {_suite_prefix(key) for key in self.redis.scan_iter(f"{KEY_PREFIX}*", 1000)}
        prefixes.update(KEY_PREFIX + suffix for suffix in owners)
        dropped = []
        for prefix in sorted(prefixes):
            if is_abandoned(prefix[len(KEY_PREFIX) :], self.redis.get(_owner_key(prefix)), max_age):
                self._drop_prefix(prefix)
                dropped.append(prefix)
        return dropped


def _owner_key(key_prefix: str) -> str:
    return OWNER_KEY_PREFIX + key_prefix[len(KEY_PREFIX) :]


def _suite_prefix(key: str) -> str:
    """`rfq:<run>:<suite>:anything` -> `rfq:<run>:<suite>:`."""
    return ":".join(key.split(":", 3)[:3]) + ":"
