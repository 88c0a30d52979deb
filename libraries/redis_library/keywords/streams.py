from __future__ import annotations

from datetime import timedelta
from typing import Any

import redis
from assertionengine import AssertionOperator, int_str_verify_assertion
from robot.api.deco import keyword

from libraries.common import duration, poll, renamed_argument, seconds, with_assertion_polling

from ..base import RedisComponent
from ..connection import RedisConnection, shorten
from ..errors import RedisCommandFailed, RedisExpectationFailed, RedisLibraryError

PENDING_LIMIT = 10_000


def entries(raw: list | None) -> list[dict[str, Any]]:
    return [{"id": entry_id, "fields": fields} for entry_id, fields in raw or [] if fields is not None]


class StreamKeywords(RedisComponent):
    @keyword("Add To Redis Stream")
    def add_to_redis_stream(
        self,
        key: str,
        fields: dict[str, Any] | None = None,
        *,
        max_length: int | None = None,
        alias: str | None = None,
        **named_fields: Any,
    ) -> str | None:
        """Appends an entry with ``fields`` (a dictionary and/or ``name=value`` pairs) to the stream ``key``;
        returns its id. ``max_length`` trims the stream to about that many entries.

        Example:
        | ${id} = | `Add To Redis Stream` | stream:tasks | task=summarise | agent=planner |
        """
        mapping = {**(fields or {}), **named_fields}
        if not mapping:
            raise RedisLibraryError(f"Add To Redis Stream for key '{key}' needs at least one field, e.g. task=x.")
        connection = self.connection(alias)
        entry_id = connection.run("XADD", key, connection.writer.xadd, mapping, maxlen=max_length, expects="stream")
        connection.log("XADD", key, f" {shorten(mapping)}" + ("" if connection.queueing else f" -> {entry_id}"))
        return None if connection.queueing else entry_id

    @keyword("Create Stream Consumer Group")
    def create_stream_consumer_group(
        self, key: str, group: str, *, start_id: str = "0", alias: str | None = None
    ) -> None:
        """Creates the consumer ``group`` on the stream ``key`` (and the stream if needed); an existing group
        is left as it is. ``start_id=$`` delivers only entries added from now on.

        Example:
        | `Create Stream Consumer Group` | stream:tasks | workers |
        """
        connection = self.connection(alias)
        try:
            connection.run("XGROUP CREATE", key, connection.client.xgroup_create, group, start_id, mkstream=True)
        except RedisCommandFailed as error:
            if "BUSYGROUP" not in str(error):
                raise
        connection.log("XGROUP CREATE", key, f" {group} from {start_id}")

    @keyword("Read Stream As Consumer")
    def read_stream_as_consumer(
        self,
        key: str,
        group: str,
        consumer: str,
        *,
        count: int = 10,
        timeout: timedelta | None = None,
        block: timedelta | None = None,
        alias: str | None = None,
    ) -> list[dict[str, Any]]:
        """Delivers up to ``count`` new entries of the stream ``key`` to ``consumer`` of ``group``.

        The entries stay pending for that consumer until `Acknowledge Stream Entries`. With ``timeout`` it waits
        for entries to arrive (XREADGROUP BLOCK); ``timeout`` bounds one operation: after that time the keyword
        stops waiting for it. Returns a list of ``{'id': ..., 'fields': {...}}`` (empty if none came).

        ``block`` is the deprecated name of ``timeout``, kept so that existing suites keep working.

        Example:
        | @{entries} = | `Read Stream As Consumer` | stream:tasks | workers | agent-a |
        | @{entries} = | `Read Stream As Consumer` | stream:tasks | workers | agent-a | timeout=2 s |
        """
        timeout = renamed_argument("Read Stream As Consumer", "block", block, "timeout", timeout)
        connection = self.connection(alias)
        connection.reader("Read Stream As Consumer")

        def read(client: Any, block_ms: int | None) -> list:
            response = connection.run(
                "XREADGROUP", key, lambda full: client.xreadgroup(group, consumer, {full: ">"}, count, block_ms),
                expects="stream",
            )  # fmt: skip
            return entries(response[0][1]) if response else []

        if timeout is None:
            delivered = read(connection.client, None)
        else:
            with connection.blocking_client(seconds(timeout)) as client:
                delivered = read(client, max(round(seconds(timeout) * 1000), 1))
        connection.log("XREADGROUP", key, f" {group}/{consumer} -> {[entry['id'] for entry in delivered]}")
        return delivered

    @keyword("Acknowledge Stream Entries")
    def acknowledge_stream_entries(self, key: str, group: str, *ids: str, alias: str | None = None) -> int | None:
        """Marks the entries ``ids`` as processed by ``group``; returns how many were pending.

        Example:
        | `Acknowledge Stream Entries` | stream:tasks | workers | ${entry}[id] |
        """
        if not ids:
            raise RedisLibraryError(f"Acknowledge Stream Entries for key '{key}' needs at least one entry id.")
        connection = self.connection(alias)
        acknowledged = connection.run("XACK", key, connection.writer.xack, group, *ids, expects="stream")
        connection.log("XACK", key, f" {group} {list(ids)}")
        return None if connection.queueing else acknowledged

    @keyword("Get Pending Stream Entries")
    def get_pending_stream_entries(
        self, key: str, group: str, *, consumer: str | None = None, alias: str | None = None
    ) -> list[dict[str, Any]]:
        """Returns the entries delivered to ``group`` (or to one ``consumer``) but not acknowledged yet, each as
        ``{'id', 'consumer', 'idle' (seconds), 'deliveries'}``.

        Example:
        | @{pending} = | `Get Pending Stream Entries` | stream:tasks | workers | consumer=agent-a |
        """
        connection = self.connection(alias)
        client = connection.reader("Get Pending Stream Entries")
        pending = self._pending(connection, client, key, group, consumer)
        connection.log("XPENDING", key, f" {group} -> {len(pending)} entries")
        return pending

    def _pending(
        self, connection: RedisConnection, client: redis.Redis, key: str, group: str, consumer: str | None
    ) -> list[dict]:
        raw = connection.run(
            "XPENDING", key, client.xpending_range, group, "-", "+", PENDING_LIMIT, consumername=consumer,
            expects="stream",
        )  # fmt: skip
        return [
            {
                "id": item["message_id"],
                "consumer": item["consumer"],
                "idle": item["time_since_delivered"] / 1000,
                "deliveries": item["times_delivered"],
            }
            for item in raw
        ]

    @keyword("Get Pending Stream Entry Count")
    @with_assertion_polling
    def get_pending_stream_entry_count(
        self,
        key: str,
        group: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        consumer: str | None = None,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> int:
        """Returns how many entries ``group`` (or one ``consumer``) has not acknowledged, optionally asserting it.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Pending Stream Entry Count`    stream:tasks    workers    ==    0    retry_timeout=5 s
        """
        connection = self.connection(alias)
        client = connection.reader("Get Pending Stream Entry Count")
        owner = f" of consumer '{consumer}'" if consumer else ""
        count = len(self._pending(connection, client, key, group, consumer))
        label = f"Pending entries of group '{group}'{owner} on stream '{key}'"
        count = int_str_verify_assertion(count, assertion_operator, assertion_expected, label, message or "")
        connection.log("XPENDING", key, f" {group}{owner} -> {count}")
        return count

    @keyword("All Stream Entries Should Be Acknowledged")
    def all_stream_entries_should_be_acknowledged(
        self,
        key: str,
        group: str,
        *,
        consumer: str | None = None,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> None:
        """Checks that ``group`` (or one ``consumer`` of it) has no delivered entry left unacknowledged on ``key``.

        Fails listing the pending entries (id, consumer, idle time, deliveries) when there are any.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `All Stream Entries Should Be Acknowledged` | stream:tasks | workers | retry_timeout=5 s |
        """
        connection = self.connection(alias)
        client = connection.reader("All Stream Entries Should Be Acknowledged")
        owner = f" of consumer '{consumer}'" if consumer else ""

        def none_pending() -> None:
            pending = self._pending(connection, client, key, group, consumer)
            if pending:
                raise RedisExpectationFailed(
                    f"Group '{group}'{owner} on stream '{key}' should have acknowledged every entry, but "
                    f"{len(pending)} are pending: {shorten(pending)}."
                )

        limit = self.library.retry_timeout if retry_timeout is None else retry_timeout
        poll(none_pending, limit, pause=self.retry_pause)
        connection.log("XPENDING", key, f" {group}{owner} -> none pending")

    @keyword("Wait Until Pending Stream Entries Are Idle")
    def wait_until_pending_stream_entries_are_idle(
        self,
        key: str,
        group: str,
        idle_time: timedelta,
        *,
        consumer: str | None = None,
        timeout: timedelta = timedelta(seconds=10),
        alias: str | None = None,
    ) -> list[dict[str, Any]]:
        """Waits until there are pending entries and all of them have been idle for at least ``idle_time``, as a
        consumer that died would leave them; returns them.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it.

        Example:
        | `Wait Until Pending Stream Entries Are Idle` | stream:tasks | workers | 100 ms | consumer=agent-a |
        """
        connection = self.connection(alias)
        client = connection.reader("Wait Until Pending Stream Entries Are Idle")
        wanted = seconds(idle_time)

        def all_idle() -> list[dict[str, Any]]:
            pending = self._pending(connection, client, key, group, consumer)
            if not pending or any(entry["idle"] < wanted for entry in pending):
                raise RedisExpectationFailed(
                    f"Pending entries of group '{group}' on stream '{key}' were not all idle for "
                    f"{duration(idle_time)} within {duration(timeout)}: {shorten(pending)}."
                )
            return pending

        pending = poll(all_idle, timeout, pause=self.retry_pause)
        connection.log("XPENDING", key, f" {len(pending)} entries idle >= {duration(idle_time)}")
        return pending

    @keyword("Claim Idle Stream Entries")
    def claim_idle_stream_entries(
        self,
        key: str,
        group: str,
        consumer: str,
        min_idle_time: timedelta,
        *,
        count: int = 100,
        alias: str | None = None,
    ) -> list[dict[str, Any]]:
        """Moves up to ``count`` pending entries idle for at least ``min_idle_time`` to ``consumer`` (XAUTOCLAIM),
        so work of a consumer that died is delivered again; returns the claimed entries.

        Example:
        | @{claimed} = | `Claim Idle Stream Entries` | stream:tasks | workers | agent-b | 100 ms |
        """
        connection = self.connection(alias)
        client = connection.reader("Claim Idle Stream Entries")
        idle_ms = round(seconds(min_idle_time) * 1000)
        response = connection.run(
            "XAUTOCLAIM", key, client.xautoclaim, group, consumer, idle_ms, "0-0", count, expects="stream"
        )
        claimed = entries(response[1])
        connection.log("XAUTOCLAIM", key, f" {group} -> {consumer}: {[entry['id'] for entry in claimed]}")
        return claimed

    @keyword("Get Redis Stream Length")
    @with_assertion_polling
    def get_redis_stream_length(
        self,
        key: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> int:
        """Returns the number of entries in the stream ``key`` (0 when it does not exist), optionally asserting it.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Redis Stream Length`    stream:tasks    ==    3
        """
        return self.length(
            "Get Redis Stream Length", "XLEN", "stream", key, assertion_operator, assertion_expected, message, alias
        )
