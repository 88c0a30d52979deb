"""A bounded connection pool (psycopg_pool), to show that overload gives a clear error instead of a hang."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
from assertionengine import AssertionOperator, int_str_verify_assertion
from psycopg_pool import ConnectionPool, PoolTimeout
from robot.api import logger
from robot.api.deco import keyword

from libraries.common import duration, renamed_argument

from .context import PostgresComponent, PostgresLibraryState
from .errors import DatabaseSetupError, PoolExhaustedError
from .settings import suite_session

DEFAULT_POOL = "default"


class BoundedPool:
    def __init__(self, alias: str, pool: ConnectionPool, timeout: timedelta) -> None:
        self.alias = alias
        self.pool = pool
        self.timeout = timeout
        self.borrowed: list[psycopg.Connection] = []

    def borrow(self) -> psycopg.Connection:
        try:
            connection = self.pool.getconn(timeout=self.timeout.total_seconds())
        except PoolTimeout:
            raise PoolExhaustedError(
                f"Connection pool '{self.alias}' is exhausted: {len(self.borrowed)} of {self.pool.max_size} "
                f"connections are in use and none was returned within {duration(self.timeout, compact=False)}. "
                "Return connections ('Return Pool Connections') or open the pool with a larger max_size."
            ) from None
        self.borrowed.append(connection)
        return connection

    def return_all(self) -> int:
        count = len(self.borrowed)
        while self.borrowed:
            self.pool.putconn(self.borrowed.pop())
        return count

    def close(self) -> None:
        self.return_all()
        self.pool.close(timeout=5)


class PoolKeywords(PostgresComponent):
    def __init__(self, library: PostgresLibraryState) -> None:
        super().__init__(library)
        self.pools: dict[str, BoundedPool] = {}

    @keyword("Open Connection Pool")
    def open_connection_pool(
        self,
        *,
        max_size: int = 2,
        timeout: timedelta = timedelta(seconds=1),
        statement_timeout: timedelta = timedelta(seconds=30),
        acquire_timeout: timedelta | None = None,
        alias: str | None = None,
    ) -> None:
        """Opens a pool of at most ``max_size`` connections to the run's database, in the suite's schema.

        ``timeout`` bounds one operation: after that time the keyword stops waiting for it. Here the operation
        is each `Borrow Pool Connection`, which waits for a free connection and then fails with a clear message,
        the way a bounded application pool should. Pools are closed by `Close All Connection Pools`.
        This pool is separate from DatabaseLibrary's connections.

        ``acquire_timeout`` is the deprecated name of ``timeout``, kept so that existing suites keep working.

        Example:
        | Open Connection Pool | max_size=2 | timeout=500 ms |
        | Open Connection Pool | max_size=5 | alias=agents |
        """
        timeout = renamed_argument("Open Connection Pool", "acquire_timeout", acquire_timeout, "timeout", timeout)
        name = alias or DEFAULT_POOL
        if max_size < 1:
            raise DatabaseSetupError(f"max_size of pool '{name}' must be at least 1, got {max_size}.")
        if name in self.pools:
            raise DatabaseSetupError(f"Connection pool '{name}' is already open: close it or use another alias.")
        settings = suite_session(statement_timeout=statement_timeout, connect_timeout=timedelta(seconds=5))
        pool = ConnectionPool(
            settings.for_application(f"robot-pool-{name}"),
            min_size=0,
            max_size=max_size,
            timeout=timeout.total_seconds(),
            kwargs={"autocommit": True},
            name=f"robot-{name}",
            open=True,
        )
        self.pools[name] = BoundedPool(name, pool, timeout)
        logger.info(f"Opened connection pool '{name}' (max_size {max_size}) on {settings.describe()}")

    @keyword("Borrow Pool Connection")
    def borrow_pool_connection(self, *, alias: str | None = None) -> None:
        """Takes one connection from the pool and keeps it in use until `Return Pool Connections`.

        The connection is proven usable with ``SELECT 1``. Fails within the pool's ``timeout`` when all
        connections are in use.

        Example:
        | Borrow Pool Connection |
        | Run Keyword And Expect Error | *is exhausted* | Borrow Pool Connection |
        """
        pool = self._pool(alias)
        connection = pool.borrow()
        connection.execute("SELECT 1")
        logger.info(
            f"Borrowed connection {len(pool.borrowed)} of {pool.pool.max_size} from pool '{pool.alias}' "
            f"(server session {connection.info.backend_pid})"
        )

    @keyword("Return Pool Connections")
    def return_pool_connections(self, *, alias: str | None = None) -> None:
        """Gives every borrowed connection back to the pool.

        Example:
        | Return Pool Connections |
        """
        pool = self._pool(alias)
        logger.info(f"Returned {pool.return_all()} connection(s) to pool '{pool.alias}'")

    @keyword("Get Pool Connections In Use")
    def get_pool_connections_in_use(
        self,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> int:
        """Returns how many connections of the pool are borrowed; with an operator, checks that number.

        Example:
        | Get Pool Connections In Use    ==    2
        """
        pool = self._pool(alias)
        in_use = len(pool.borrowed)
        logger.info(f"Pool '{pool.alias}' has {in_use} of {pool.pool.max_size} connections in use")
        return int_str_verify_assertion(
            in_use, assertion_operator, assertion_expected, f"Connections in use in pool '{pool.alias}'", message
        )

    @keyword("Close All Connection Pools")
    def close_all_connection_pools(self) -> None:
        """Returns all borrowed connections and closes every pool; safe in a teardown when none is open.

        Example:
        | [Teardown] | Close All Connection Pools |
        """
        names = list(self.pools)
        while self.pools:
            self.pools.popitem()[1].close()
        logger.info(f"Closed connection pools: {', '.join(names) or 'none was open'}")

    def _pool(self, alias: str | None) -> BoundedPool:
        name = alias or DEFAULT_POOL
        if name not in self.pools:
            raise DatabaseSetupError(f"No connection pool '{name}' is open: use 'Open Connection Pool' first.")
        return self.pools[name]
