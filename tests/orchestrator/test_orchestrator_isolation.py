"""Two systems on one PostgreSQL and one Redis, in different schemas and key prefixes, never see each other."""

from __future__ import annotations

import uuid

import httpx2
import psycopg
from psycopg import sql

from .harness import System


def test_two_systems_side_by_side_stay_apart(start_system, namespace, services) -> None:
    first: System = start_system(workers=1)
    other_schema = f"{namespace.schema[:50]}_b{uuid.uuid4().hex[:6]}"
    second: System = start_system(workers=1, schema=other_schema, key_prefix=f"{namespace.key_prefix}b:")
    try:
        first_run = first.submit("First system's goal")
        second_run = second.submit("Second system's goal")

        assert first.wait_finished(first_run).status == "succeeded"
        assert second.wait_finished(second_run).status == "succeeded"
        assert set(first.adapter.stored_statuses()) == {first_run}
        assert set(second.adapter.stored_statuses()) == {second_run}
        assert httpx2.get(f"{first.adapter.api_url}/runs/{second_run}", timeout=10).status_code == 404
        first_workers = {w["name"] for w in first.adapter.workers()}
        second_workers = {w["name"] for w in second.adapter.workers()}
        assert first_workers and second_workers and not first_workers & second_workers
    finally:
        second.adapter.stop()
        with psycopg.connect(services.database_url, autocommit=True, connect_timeout=5) as db:
            db.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(other_schema)))
