"""The closed-model driver against the run's real Redis and PostgreSQL: in-flight bound, count, time bound, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
import redis

from libraries.load.driver import drive
from libraries.load.scenarios import LOAD_TABLE, PostgresInsertSelect, RedisSetGet
from libraries.postgres_library.settings import suite_session
from libraries.services.runtime import Endpoints, Namespace


@pytest.fixture
def client(services: Endpoints) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(services.redis_url, decode_responses=True, socket_timeout=5)
    yield connection
    connection.close()


class BlockingPops:
    """Each operation waits on the server for a list that stays empty: a real, bounded wait of ``block_s``."""

    name = "blocking pops"

    def __init__(self, client: redis.Redis, prefix: str, block_s: float) -> None:
        self.client, self.prefix, self.block_s = client, prefix, block_s
        self.operation_timeout_s = block_s + 5

    def prepare(self) -> None: ...

    @contextmanager
    def worker(self) -> Iterator[Callable[[int], None]]:
        yield lambda index: self.client.blpop([f"{self.prefix}empty"], timeout=self.block_s)

    def finish(self) -> dict[str, int]:
        return {}

    def environment(self) -> dict[str, str]:
        return {}


class EveryFourthFails(RedisSetGet):
    """Every fourth operation increments a text value: the server refuses it (ResponseError)."""

    @contextmanager
    def worker(self) -> Iterator[Callable[[int], None]]:
        with super().worker() as set_get:

            def operate(index: int) -> None:
                if index % 4 == 0:
                    self.client.set(f"{self.prefix}text", "not a number")
                    self.client.incr(f"{self.prefix}text")
                set_get(index)

            yield operate


def test_concurrency_bounds_what_is_in_flight_and_every_operation_runs(client, namespace: Namespace) -> None:
    scenario = RedisSetGet(client, namespace.key_prefix, timeout_s=5)
    outcome = drive(scenario, concurrency=6, operations=600, time_bound_s=60)
    assert outcome.count == 600
    assert outcome.errors == 0
    assert outcome.histogram.get_total_count() == 600
    assert outcome.peak_in_flight == 6
    assert not outcome.stopped_by_time_bound
    assert client.get(f"{namespace.key_prefix}load:599") == "value-599"


def test_no_operation_starts_after_the_time_bound(client, namespace: Namespace) -> None:
    scenario = BlockingPops(client, namespace.key_prefix, block_s=0.2)
    outcome = drive(scenario, concurrency=2, operations=1000, time_bound_s=0.5)
    assert outcome.stopped_by_time_bound
    assert 2 <= outcome.count <= 8  # 2 in flight, each 0.2 s: at most 3 rounds start within 0.5 s
    assert outcome.errors == 0


def test_errors_are_counted_by_kind_and_kept_out_of_the_histogram(client, namespace: Namespace) -> None:
    outcome = drive(
        EveryFourthFails(client, namespace.key_prefix, timeout_s=5), concurrency=4, operations=200, time_bound_s=60
    )
    assert outcome.count == 200
    assert outcome.errors == 50
    assert outcome.error_kinds == {"ResponseError": 50}
    assert outcome.histogram.get_total_count() == 150
    assert "not an integer" in outcome.error_samples[0]


def test_postgres_operations_land_in_the_suite_schema(services: Endpoints, namespace: Namespace) -> None:
    settings = suite_session(
        statement_timeout=timedelta(seconds=5),
        connect_timeout=timedelta(seconds=5),
        url=services.database_url,
        schema=namespace.schema,
    )
    scenario = PostgresInsertSelect(settings)
    outcome = drive(scenario, concurrency=4, operations=300, time_bound_s=60)
    assert (outcome.count, outcome.errors, outcome.peak_in_flight) == (300, 0, 4)
    with psycopg.connect(services.database_url) as session:
        stored = session.execute(f"SELECT count(*) FROM {namespace.schema}.{LOAD_TABLE}").fetchone()[0]
    assert stored == 300
    assert scenario.environment()["postgres"].startswith(("16", "17", "18"))


def test_bad_bounds_are_refused(client, namespace: Namespace) -> None:
    scenario = RedisSetGet(client, namespace.key_prefix, timeout_s=5)
    with pytest.raises(ValueError, match="concurrency and operations must be at least 1"):
        drive(scenario, concurrency=0, operations=10, time_bound_s=1)
    with pytest.raises(ValueError, match="time_bound must be positive"):
        drive(scenario, concurrency=1, operations=10, time_bound_s=0)
