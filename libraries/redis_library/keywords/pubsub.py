from __future__ import annotations

from datetime import timedelta
from typing import Any

from robot.api.deco import keyword

from libraries.common import WaitTimeout, duration, seconds, wait_until

from ..base import RedisComponent
from ..connection import RedisConnection, shorten
from ..errors import RedisExpectationFailed, RedisLibraryError, RedisUnavailable

READ_SLICE_S = 0.05
"""The longest one read for a message blocks; a read returns as soon as a message arrives."""


class PubSubKeywords(RedisComponent):
    """Channels are namespaced like keys, so parallel suites never hear each other."""

    @keyword("Subscribe To Redis Channels")
    def subscribe_to_redis_channels(self, *channels: str, alias: str | None = None) -> None:
        """Subscribes this connection to ``channels``; messages published from now on are kept until
        `Wait For Redis Message` takes them. Returns once the server confirmed every subscription.

        Example:
        | `Subscribe To Redis Channels` | events:agent-1 | events:all |
        """
        if not channels:
            raise RedisLibraryError("Subscribe To Redis Channels needs at least one channel.")
        connection = self.connection(alias)
        if connection.subscriber is None:
            connection.subscriber = connection.client.pubsub()
        subscriber = connection.subscriber
        connection.run("SUBSCRIBE", None, subscriber.subscribe, *map(connection.key, channels))
        self._await_confirmations(connection, len(channels))
        connection.log("SUBSCRIBE", ", ".join(channels))

    def _await_confirmations(self, connection: RedisConnection, expected: int) -> None:
        limit = connection.socket_timeout or 10

        def all_confirmed() -> bool:
            nonlocal expected
            message = connection.run("SUBSCRIBE", None, connection.subscriber.get_message, timeout=READ_SLICE_S)
            if message is not None and message["type"] == "subscribe":
                expected -= 1
            elif message is not None:
                connection.unread_messages.append(message)
            return not expected

        try:
            wait_until(all_confirmed, limit, pause=0)
        except WaitTimeout:
            raise RedisUnavailable(
                f"Redis did not confirm the subscription within {limit:g} s on connection '{connection.alias}'."
            ) from None

    @keyword("Unsubscribe From Redis Channels")
    def unsubscribe_from_redis_channels(self, *channels: str, alias: str | None = None) -> None:
        """Stops listening on ``channels`` (on every channel when none is given).

        Example:
        | `Unsubscribe From Redis Channels` | events:agent-1 |
        """
        connection = self.connection(alias)
        if connection.subscriber is not None:
            connection.run("UNSUBSCRIBE", None, connection.subscriber.unsubscribe, *map(connection.key, channels))
        connection.log("UNSUBSCRIBE", ", ".join(channels) or "*")

    @keyword("Publish Redis Message")
    def publish_redis_message(self, channel: str, message: Any, *, alias: str | None = None) -> int | None:
        """Publishes ``message`` on ``channel``; returns how many subscribers received it.

        Example:
        | ${receivers} = | `Publish Redis Message` | events:agent-1 | task-done |
        """
        connection = self.connection(alias)
        receivers = connection.run("PUBLISH", channel, connection.writer.publish, message)
        connection.log(
            "PUBLISH", channel, f" {shorten(message)}" + ("" if connection.queueing else f" -> {receivers} receivers")
        )
        return None if connection.queueing else receivers

    @keyword("Wait For Redis Message")
    def wait_for_redis_message(
        self, channel: str | None = None, *, timeout: timedelta = timedelta(seconds=5), alias: str | None = None
    ) -> Any:
        """Returns the next message published on ``channel`` (on any subscribed channel when omitted); messages of
        other channels are kept for later calls. Fails when none arrives.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it.

        Example:
        | ${message} = | `Wait For Redis Message` | events:agent-1 | timeout=2 s |
        """
        connection = self.connection(alias)
        if connection.subscriber is None:
            raise RedisLibraryError(
                f"Connection '{connection.alias}' has no subscription: run Subscribe To Redis Channels first."
            )
        wanted = connection.key(channel) if channel is not None else None
        message = self._take_unread(connection, wanted) or self._receive(connection, wanted, seconds(timeout))
        if message is None:
            where = f"channel '{channel}'" if channel is not None else "any subscribed channel"
            raise RedisExpectationFailed(f"No message arrived on {where} within {duration(timeout)}.")
        heard_on = connection.strip(message["channel"])
        connection.log("MESSAGE", heard_on, f" -> {shorten(message['data'])}")
        return message["data"]

    def _take_unread(self, connection: RedisConnection, wanted: str | None) -> dict | None:
        for message in connection.unread_messages:
            if wanted is None or message["channel"] == wanted:
                connection.unread_messages.remove(message)
                return message
        return None

    def _receive(self, connection: RedisConnection, wanted: str | None, timeout: float) -> dict | None:
        """The next message on ``wanted`` (any channel when ``None``) within ``timeout`` seconds; the others are kept
        for later calls."""
        read_for = min(READ_SLICE_S, timeout)

        def heard() -> dict | None:
            message = connection.run("MESSAGE", None, connection.subscriber.get_message, timeout=read_for)
            if message is None or message["type"] not in ("message", "pmessage"):
                return None
            if wanted is None or message["channel"] == wanted:
                return message
            connection.unread_messages.append(message)
            return None

        try:
            return wait_until(heard, timeout, pause=0)
        except WaitTimeout:
            return None
