from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import redis
from robot.api import logger
from robot.api.deco import keyword
from robot.api.types import Secret

from libraries.services import runtime

from ..base import RedisComponent, seconds_or
from ..connection import DEFAULT_ALIAS, RedisConnection, retry_policy
from ..errors import RedisLibraryError, RedisUnavailable, seconds_text

URL_SCHEMES = ("redis", "rediss", "unix")
OVERRIDES = ("password", "db")


def reveal(value: str | Secret | None) -> str | None:
    return value.value if isinstance(value, Secret) else value


class ConnectionKeywords(RedisComponent):
    @keyword("Connect To Redis")
    def connect_to_redis(
        self,
        *,
        prefix: str | None = None,
        socket_timeout: timedelta | None = None,
        socket_connect_timeout: timedelta | None = None,
        max_retries: int | None = None,
        decode_responses: bool = True,
        alias: str | None = None,
    ) -> str:
        """Connects to the run's Redis server (``REDIS_URL`` or the embedded one) and checks it with PING.

        ``prefix`` is put before every key; by default it follows the suite's namespace, so each suite sees only
        its own keys. ``prefix=${EMPTY}`` gives raw access to the whole database.
        Timeouts and ``max_retries`` (reconnects after a dropped connection) default to the library import settings.
        Returns the server's Redis version.

        Example:
        | `Connect To Redis` |
        | `Connect To Redis` | socket_timeout=1 s | alias=observer |
        | `Connect To Redis` | prefix=${EMPTY} | alias=raw |
        """
        options = self._options(socket_timeout, socket_connect_timeout, max_retries, decode_responses)
        return self._connect(runtime.redis_url(), options, prefix, alias)

    @keyword("Connect To Redis From URL")
    def connect_to_redis_from_url(
        self,
        url: str | Secret,
        *,
        password: str | Secret | None = None,
        db: int | None = None,
        prefix: str | None = None,
        socket_timeout: timedelta | None = None,
        socket_connect_timeout: timedelta | None = None,
        max_retries: int | None = None,
        decode_responses: bool = True,
        alias: str | None = None,
    ) -> str:
        """Connects to the Redis server at ``url`` and checks it with PING.

        ``url`` is ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS or
        ``unix:///path/redis.sock``; it may be a `Secret`. ``password`` and ``db`` override the URL.
        The URL is logged with its password masked. Other options as in `Connect To Redis`.

        Example:
        | `Connect To Redis From URL` | redis://cache.test:6379/1 | alias=cache |
        | `Connect To Redis From URL` | ${REDIS_URL} | password=${REDIS_PASSWORD} | socket_timeout=2 s |
        """
        options = self._options(socket_timeout, socket_connect_timeout, max_retries, decode_responses)
        if password is not None:
            options["password"] = reveal(password)
        if db is not None:
            options["db"] = db
        return self._connect(reveal(url), options, prefix, alias)

    def _options(
        self,
        socket_timeout: timedelta | None,
        socket_connect_timeout: timedelta | None,
        max_retries: int | None,
        decode_responses: bool,
    ) -> dict[str, Any]:
        """redis-py client options; what is not given comes from the library import settings."""
        library = self.library
        return {
            "socket_timeout": seconds_or(socket_timeout, library.socket_timeout),
            "socket_connect_timeout": seconds_or(socket_connect_timeout, library.socket_connect_timeout),
            "retry": retry_policy(library.max_retries if max_retries is None else max_retries),
            "decode_responses": decode_responses,
        }

    def _connect(self, url: str | None, options: dict[str, Any], prefix: str | None, alias: str | None) -> str:
        if not url or urlsplit(url).scheme not in URL_SCHEMES:
            raise RedisLibraryError(
                f"Redis url must start with redis://, rediss:// or unix://, got '{runtime.mask_url(url)}'."
            )
        try:
            client = redis.Redis.from_url(url, **options)
        except ValueError as error:
            raise RedisLibraryError(f"Redis url '{runtime.mask_url(url)}' is not valid: {error}") from None
        # redis-py lets the URL win; password= and db= of Connect To Redis From URL are meant to override it
        client.connection_pool.connection_kwargs.update({name: options[name] for name in OVERRIDES if name in options})
        connection = RedisConnection(
            alias or DEFAULT_ALIAS, client, runtime.mask_url(url), options["socket_timeout"], prefix
        )
        version = self._check(connection)
        self.library.connections.register(connection, connection.alias)
        namespace = f"'{prefix}'" if prefix is not None else f"the suite namespace (now '{connection.prefix}')"
        connection.log("CONNECT", detail=f" {connection.display_url}: Redis {version}, keys prefixed with {namespace}")
        return version

    def _check(self, connection: RedisConnection) -> str:
        where = f"Redis at {connection.display_url} (connection '{connection.alias}')"
        try:
            connection.client.ping()
            return connection.client.info("server")["redis_version"]
        except redis.exceptions.TimeoutError:
            connection.close()
            raise RedisUnavailable(
                f"{where} did not answer PING within socket_timeout={seconds_text(connection.socket_timeout)}: "
                "the server is stopped or overloaded."
            ) from None
        except redis.exceptions.RedisError as error:
            connection.close()
            raise RedisUnavailable(
                f"Cannot connect to {where}: {error}. Check that the server runs and that the URL "
                "(REDIS_URL for the run's server) and password are right."
            ) from None

    @keyword("Switch Redis Connection")
    def switch_redis_connection(self, alias: str) -> str:
        """Makes ``alias`` the connection that keywords use when they get no ``alias``; returns the previous one.

        Example:
        | ${previous} = | `Switch Redis Connection` | observer |
        | `Switch Redis Connection` | ${previous} |
        """
        store = self.library.connections
        previous = store.current_alias
        store.switch(alias)
        return previous

    @keyword("Disconnect From Redis")
    def disconnect_from_redis(self, *, alias: str | None = None) -> None:
        """Closes the connection ``alias`` (the current one when omitted). Does nothing if it is not open.

        Example:
        | `Disconnect From Redis` | alias=observer |
        """
        closed = self.library.connections.close(alias)
        if closed is not None:
            closed.log("DISCONNECT")

    @keyword("Disconnect From All Redis")
    def disconnect_from_all_redis(self) -> None:
        """Closes every Redis connection. Never fails, so it is safe in a teardown.

        Example:
        | [Teardown] | `Disconnect From All Redis` |
        """
        store = self.library.connections
        for alias in store.aliases():
            try:
                store.close(alias)
            except Exception as error:  # a teardown must go on closing the others
                logger.warn(f"Closing Redis connection '{alias}' failed: {error}")
        store.empty_cache()

    @keyword("Get Redis Key Prefix")
    def get_redis_key_prefix(self, *, alias: str | None = None) -> str:
        """Returns the prefix that keywords put before every key on this connection (empty for raw access).

        Example:
        | ${prefix} = | `Get Redis Key Prefix` |
        """
        return self.connection(alias).prefix
