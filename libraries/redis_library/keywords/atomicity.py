from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from datetime import timedelta
from typing import Any

import redis
from robot.api.deco import keyword

from libraries.common import duration, seconds

from ..base import RedisComponent
from ..connection import RedisConnection, shorten
from ..errors import RedisLibraryError, TransactionAborted

Update = str | Callable[[Any], Any]


def as_function(update: Update) -> Callable[[Any], Any]:
    """A Python expression over ``value`` (the current value, ``None`` when missing), or a callable."""
    if callable(update):
        return update
    code = compile(update, "<update>", "eval")
    return lambda value: eval(code, {"json": json, "math": math}, {"value": value})


def optimistic_update(
    client: redis.Redis, key: str, full_key: str, update: Callable[[Any], Any], max_retries: int
) -> tuple:
    """WATCH, read, compute, MULTI/SET/EXEC; again when another client changed the key. Returns (value, retries)."""
    with client.pipeline(transaction=True) as pipe:
        for retries in range(max_retries + 1):
            try:
                pipe.watch(full_key)
                new_value = update(pipe.get(full_key))
                pipe.multi()
                pipe.set(full_key, new_value)
                pipe.execute()
                return new_value, retries
            except redis.exceptions.WatchError:
                continue
    raise TransactionAborted(
        f"Optimistic update of Redis key '{key}' gave up after {max_retries} retries: "
        "other clients kept changing the key."
    )


class AtomicityKeywords(RedisComponent):
    @keyword("Start Redis Pipeline")
    def start_redis_pipeline(self, *, transaction: bool = False, alias: str | None = None) -> None:
        """Queues the following write keywords on this connection instead of sending them one by one.

        With ``transaction=True`` they run as one MULTI/EXEC block: no other client sees a part of them.
        Reading keywords refuse to run until `Execute Redis Pipeline` or `Discard Redis Pipeline`.

        Example:
        | `Start Redis Pipeline` |
        | `Set Redis Value` | agent:1:status | running |
        | `Increment Redis Counter` | agents:running |
        | @{results} = | `Execute Redis Pipeline` |
        """
        connection = self.connection(alias)
        self._refuse_nesting(connection)
        connection.pipeline = connection.client.pipeline(transaction=transaction)
        connection.queueing = True
        connection.log("PIPELINE" if not transaction else "MULTI")

    @keyword("Start Redis Transaction")
    def start_redis_transaction(self, *, alias: str | None = None) -> None:
        """Starts a MULTI/EXEC transaction: the following write keywords are applied all at once by
        `Execute Redis Pipeline`. After `Watch Redis Keys`, the transaction is aborted if a watched key changed.

        Example:
        | `Start Redis Transaction` |
        | `Set Hash Fields` | agent:1 | status=done |
        | `Delete Redis Keys` | agent:1:lock |
        | `Execute Redis Pipeline` |
        """
        connection = self.connection(alias)
        if connection.pipeline is not None and connection.pipeline.watching and not connection.queueing:
            connection.pipeline.multi()
            connection.queueing = True
            connection.log("MULTI")
            return
        self.start_redis_pipeline(transaction=True, alias=alias)

    @keyword("Watch Redis Keys")
    def watch_redis_keys(self, *keys: str, alias: str | None = None) -> None:
        """Watches ``keys`` for the next `Start Redis Transaction`: if any of them changes before
        `Execute Redis Pipeline`, the transaction writes nothing and the keyword fails.

        Example:
        | `Watch Redis Keys` | agent:1:budget |
        | ${budget} = | `Get Redis Counter` | agent:1:budget |
        | `Start Redis Transaction` |
        | `Increment Redis Counter` | agent:1:budget | -10 |
        | `Execute Redis Pipeline` |
        """
        if not keys:
            raise RedisLibraryError("Watch Redis Keys needs at least one key.")
        connection = self.connection(alias)
        self._refuse_nesting(connection)
        connection.pipeline = connection.client.pipeline(transaction=True)
        connection.run("WATCH", None, connection.pipeline.watch, *map(connection.key, keys))
        connection.log("WATCH", ", ".join(keys))

    @keyword("Execute Redis Pipeline")
    def execute_redis_pipeline(self, *, alias: str | None = None) -> list:
        """Sends the queued commands and returns their results in order.

        Fails if a watched key changed (the transaction then wrote nothing).

        Example:
        | @{results} = | `Execute Redis Pipeline` |
        """
        connection = self.connection(alias)
        pipeline = connection.pipeline
        if pipeline is None or not connection.queueing:
            raise RedisLibraryError(
                f"No pipeline is open on connection '{connection.alias}': run Start Redis Pipeline or "
                "Start Redis Transaction first."
            )
        try:
            results = connection.run("EXEC", None, pipeline.execute)
        finally:
            self._close_pipeline(connection)
        connection.log("EXEC", detail=f" -> {shorten(results)}")
        return results

    @keyword("Discard Redis Pipeline")
    def discard_redis_pipeline(self, *, alias: str | None = None) -> None:
        """Drops the queued commands and any watch without sending them. Safe in a teardown.

        Example:
        | [Teardown] | `Discard Redis Pipeline` |
        """
        connection = self.connection(alias)
        if connection.pipeline is not None:
            self._close_pipeline(connection)
            connection.log("DISCARD")

    def _refuse_nesting(self, connection: RedisConnection) -> None:
        if connection.pipeline is not None:
            raise RedisLibraryError(
                f"A pipeline or watch is already open on connection '{connection.alias}': "
                "run Execute Redis Pipeline or Discard Redis Pipeline first."
            )

    def _close_pipeline(self, connection: RedisConnection) -> None:
        connection.pipeline.reset()
        connection.pipeline = None
        connection.queueing = False

    @keyword("Update Redis Value Optimistically")
    def update_redis_value_optimistically(
        self, key: str, update: Update, *, max_retries: int = 50, alias: str | None = None
    ) -> dict[str, Any]:
        """Replaces the value of ``key`` with ``update`` computed from it, using WATCH/MULTI/EXEC; when another
        client changes the key in between, it reads and computes again.

        ``update`` is a Python expression where ``value`` is the current string (``None`` when missing).
        Returns a dictionary with the new ``value`` and the number of ``retries`` it took.

        Example:
        | ${result} = | `Update Redis Value Optimistically` | budget:tokens | int(value or 0) - 250 |
        | Log | Updated after ${result}[retries] retries |
        """
        connection = self.connection(alias)
        function = as_function(update)
        value, retries = connection.run(
            "WATCH/EXEC",
            key,
            lambda full_key: optimistic_update(connection.client, key, full_key, function, max_retries),
        )
        connection.log("OPTIMISTIC SET", key, f" = {shorten(value)} after {retries} retries")
        return {"value": value, "retries": retries}

    @keyword("Run Concurrent Optimistic Updates")
    def run_concurrent_optimistic_updates(
        self,
        key: str,
        update: Update,
        *,
        workers: int = 4,
        updates_per_worker: int = 25,
        max_retries: int = 1000,
        timeout: timedelta = timedelta(seconds=60),
        alias: str | None = None,
    ) -> dict[str, int]:
        """Applies ``update`` to ``key`` ``updates_per_worker`` times from each of ``workers`` threads at once,
        each update with `Update Redis Value Optimistically`, to put optimistic locking under contention.

        Returns a dictionary with the number of ``updates`` made and the ``retries`` the contention caused.
        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation is
        the work of all workers; the keyword then fails and the workers stop after their current update.

        Example:
        | ${result} =    `Run Concurrent Optimistic Updates`    jobs:done    int(value or 0) + 1    workers=4
        | `Get Redis Counter`    jobs:done    ==    100
        """
        connection = self.connection(alias)
        function = as_function(update)
        full_key = connection.key(key)
        stop = threading.Event()

        def worker() -> int:
            retries = 0
            for _ in range(updates_per_worker):
                if stop.is_set():
                    break
                retries += optimistic_update(connection.client, key, full_key, function, max_retries)[1]
            return retries

        pool = ThreadPoolExecutor(max_workers=workers)
        futures = [pool.submit(worker) for _ in range(workers)]
        _, running = wait(futures, timeout=seconds(timeout), return_when=FIRST_EXCEPTION)
        stop.set()
        pool.shutdown(wait=False)
        failed = [future for future in futures if future.done() and future.exception() is not None]
        if failed:
            connection.run("WATCH/EXEC", None, failed[0].result)
        if running:
            raise TransactionAborted(f"Concurrent updates of Redis key '{key}' did not end within {duration(timeout)}.")
        retries = sum(future.result() for future in futures)
        result = {"updates": workers * updates_per_worker, "retries": retries}
        connection.log("OPTIMISTIC SET", key, f" {result['updates']} updates from {workers} workers, {retries} retries")
        return result

    @keyword("Register Redis Script")
    def register_redis_script(self, name: str, source: str, *, alias: str | None = None) -> None:
        """Registers the Lua script ``source`` under ``name`` for `Run Redis Script`.

        Inside the script, ``KEYS`` already carry the namespace prefix.

        Example:
        | `Register Redis Script` | claim | return redis.call('SET', KEYS[1], ARGV[1], 'NX') |
        """
        connection = self.connection(alias)
        connection.scripts[name] = connection.client.register_script(source)
        connection.log("SCRIPT LOAD", detail=f" {name}")

    @keyword("Run Redis Script")
    def run_redis_script(
        self, name: str, *arguments: Any, keys: list[str] | None = None, alias: str | None = None
    ) -> Any:
        """Runs the script registered as ``name`` atomically with ``keys`` (prefixed) and ``arguments``;
        returns its result.

        Example:
        | ${claimed} = | `Run Redis Script` | claim | agent-1 | keys=${{['job:7']}} |
        """
        connection = self.connection(alias)
        try:
            script = connection.scripts[name]
        except KeyError:
            known = ", ".join(sorted(connection.scripts)) or "none"
            raise RedisLibraryError(
                f"No Redis script named '{name}' on connection '{connection.alias}' (registered: {known}). "
                "Run Register Redis Script first."
            ) from None
        full_keys = [connection.key(key) for key in keys or []]
        result = connection.run(
            f"EVALSHA {name}", None, script, keys=full_keys, args=list(arguments), client=connection.writer
        )
        connection.log("EVALSHA", ", ".join(keys or []), f" {name} -> {shorten(result)}")
        return None if connection.queueing else result
