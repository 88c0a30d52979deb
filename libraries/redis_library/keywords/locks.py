from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from assertionengine import AssertionOperator, verify_assertion
from redis.exceptions import LockError, LockNotOwnedError, RedisError
from robot.api.deco import keyword

from libraries.common import duration, renamed_argument, seconds, with_assertion_polling

from ..base import RedisComponent
from ..errors import RedisExpectationFailed, translate


class LockKeywords(RedisComponent):
    """Locks are redis-py locks: a key holding the owner's token, set with NX and a TTL, released by a script
    that deletes it only for that owner."""

    @keyword("Acquire Redis Lock")
    def acquire_redis_lock(
        self,
        name: str,
        *,
        ttl: timedelta = timedelta(seconds=10),
        timeout: timedelta = timedelta(0),
        owner: str | None = None,
        wait: timedelta | None = None,
        alias: str | None = None,
    ) -> str:
        """Takes the lock ``name`` for ``ttl``, waiting while another owner holds it; fails if it stays taken.
        Returns the owner token (a new unique one when ``owner`` is not given).

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. The default ``0``
        does not wait.

        ``wait`` is the deprecated name of ``timeout``, kept so that existing suites keep working.

        Example:
        | `Acquire Redis Lock` | lock:job:7 | ttl=5 s | owner=agent-a |
        | `Acquire Redis Lock` | lock:job:7 | timeout=500 ms | owner=agent-b |
        """
        timeout = renamed_argument("Acquire Redis Lock", "wait", wait, "timeout", timeout)
        connection = self.connection(alias)
        token = owner or uuid.uuid4().hex
        waiting = seconds(timeout)
        lock = connection.client.lock(
            connection.key(name), timeout=seconds(ttl), blocking=waiting > 0, blocking_timeout=waiting,
            thread_local=False,
        )  # fmt: skip
        acquired = connection.run("LOCK", None, lock.acquire, token=token)
        if not acquired:
            holder = connection.run("GET", name, connection.client.get)
            raise RedisExpectationFailed(
                f"Redis lock '{name}' is held by '{holder}'; '{token}' did not get it within {duration(timeout)}."
            )
        connection.lock_owners[name] = token
        connection.log("LOCK", name, f" owner={token} ttl={duration(ttl)}")
        return token

    @keyword("Release Redis Lock")
    def release_redis_lock(self, name: str, *, owner: str | None = None, alias: str | None = None) -> None:
        """Releases the lock ``name`` held by ``owner`` (by default the owner that this connection acquired it
        as). Fails, and leaves the lock alone, if someone else holds it or it has expired.

        Example:
        | `Release Redis Lock` | lock:job:7 | owner=agent-a |
        """
        connection = self.connection(alias)
        token = owner or connection.lock_owners.get(name, "")
        lock = connection.client.lock(connection.key(name), thread_local=False)
        lock.local.token = lock.redis.get_encoder().encode(token)
        try:
            lock.release()
        except LockNotOwnedError:
            holder = connection.run("GET", name, connection.client.get)
            state = f"it is held by '{holder}'" if holder else "it is not held (expired or released)"
            raise RedisExpectationFailed(
                f"Redis lock '{name}' was not released for owner '{token}': {state}."
            ) from None
        except LockError as error:
            raise RedisExpectationFailed(f"Redis lock '{name}' was not released for owner '{token}': {error}") from None
        except RedisError as error:
            raise translate(error, connection, "UNLOCK", name) from None
        connection.lock_owners.pop(name, None)
        connection.log("UNLOCK", name, f" owner={token}")

    @keyword("Get Redis Lock Owner")
    @with_assertion_polling
    def get_redis_lock_owner(
        self,
        name: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        retry_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> str | None:
        """Returns the owner token holding the lock ``name`` (``None`` when free), optionally asserting it.

        ``retry_timeout`` is how long the keyword keeps polling until its assertion holds.

        Example:
        | `Get Redis Lock Owner`    lock:job:7    ==    agent-a
        | `Get Redis Lock Owner`    lock:job:7    ==    ${None}    retry_timeout=2 s
        """
        connection = self.connection(alias)
        client = connection.reader("Get Redis Lock Owner")
        holder = connection.run("GET", name, client.get)
        holder = verify_assertion(
            holder, assertion_operator, assertion_expected, f"Owner of Redis lock '{name}'", message
        )
        connection.log("GET", name, f" owner -> {holder}")
        return holder
