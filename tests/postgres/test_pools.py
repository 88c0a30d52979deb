from __future__ import annotations

import time
from datetime import timedelta

import pytest
from assertionengine import AssertionOperator

from libraries.postgres_library import DatabaseSetupError, PoolExhaustedError
from tests.postgres.conftest import sessions_named


def test_exhausted_pool_fails_within_its_timeout(postgres):
    postgres.open_connection_pool(max_size=2, timeout=timedelta(milliseconds=400))
    postgres.borrow_pool_connection()
    postgres.borrow_pool_connection()
    started = time.monotonic()
    with pytest.raises(PoolExhaustedError, match=r"'default' is exhausted: 2 of 2 connections are in use .* 400 milli"):
        postgres.borrow_pool_connection()
    assert 0.3 < time.monotonic() - started < 5
    assert postgres.get_pool_connections_in_use(AssertionOperator["=="], "2") == 2


def test_returned_connections_can_be_borrowed_again(postgres):
    postgres.open_connection_pool(max_size=1, timeout=timedelta(milliseconds=300), alias="agents")
    postgres.borrow_pool_connection(alias="agents")
    postgres.return_pool_connections(alias="agents")
    postgres.borrow_pool_connection(alias="agents")
    assert postgres.get_pool_connections_in_use(alias="agents") == 1


def test_acquire_timeout_is_the_deprecated_name_of_timeout(postgres):
    postgres.open_connection_pool(max_size=1, acquire_timeout=timedelta(milliseconds=300))
    postgres.borrow_pool_connection()
    with pytest.raises(PoolExhaustedError, match=r"none was returned within 300 milliseconds"):
        postgres.borrow_pool_connection()


def test_pooled_sessions_work_in_the_suite_schema(postgres, namespace):
    postgres.open_connection_pool(max_size=1)
    postgres.borrow_pool_connection()
    pools = postgres.library.keywords["Borrow Pool Connection"].__self__.pools
    connection = pools["default"].borrowed[0]
    assert connection.execute("SELECT current_schema()").fetchone() == (namespace.schema,)


def test_pool_errors_name_the_fix(postgres):
    with pytest.raises(DatabaseSetupError, match="No connection pool 'default' is open: use 'Open Connection Pool'"):
        postgres.borrow_pool_connection()
    with pytest.raises(DatabaseSetupError, match="max_size of pool 'default' must be at least 1"):
        postgres.open_connection_pool(max_size=0)
    postgres.open_connection_pool()
    with pytest.raises(DatabaseSetupError, match="'default' is already open"):
        postgres.open_connection_pool()


def test_closing_pools_ends_their_sessions(postgres, admin):
    postgres.open_connection_pool(max_size=2)
    postgres.borrow_pool_connection()
    postgres.borrow_pool_connection()
    postgres.close_all_connection_pools()
    postgres.close_all_connection_pools()
    assert sessions_named(admin, "^robot-pool-default$") == 0
