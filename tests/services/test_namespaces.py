"""Per-suite namespaces: created and dropped whole; the janitor drops only what dead or old runs left."""

from __future__ import annotations

import os

from psycopg import sql

from libraries.services.lifecycle import new_run_id
from libraries.services.namespaces import namespace_for
from libraries.services.processes import ProcessId


def _schemas(store) -> set[str]:
    rows = store.postgres.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rfq%'").fetchall()
    return {name for (name,) in rows}


def test_create_and_drop_a_namespace(namespace_store, owner):
    namespace = namespace_for(new_run_id(), "Suites.Redis.Smoke", os.getpid())
    neighbour = namespace_for(new_run_id(), "Suites.Redis.Other", os.getpid())
    namespace_store.create(namespace, owner)
    namespace_store.create(neighbour, owner)
    table = sql.Identifier(namespace.schema, "runs")
    namespace_store.postgres.execute(sql.SQL("CREATE TABLE {} (id int)").format(table))
    namespace_store.redis.set(namespace.key_prefix + "agent:1", "running")
    namespace_store.redis.set(neighbour.key_prefix + "agent:1", "idle")

    namespace_store.drop(namespace)

    assert namespace.schema not in _schemas(namespace_store)
    assert namespace_store.redis.keys(namespace.key_prefix + "*") == []
    assert neighbour.schema in _schemas(namespace_store)
    assert namespace_store.redis.get(neighbour.key_prefix + "agent:1") == "idle"
    namespace_store.drop(neighbour)


def test_names_are_unique_per_suite_and_process_and_fit_postgres():
    run_id = new_run_id()
    names = {namespace_for(run_id, suite, pid) for suite in ("A.B", "A.C") for pid in (1, 2)}
    assert len(names) == 4
    assert all(len(name.schema) <= 63 for name in names)


def test_janitor_drops_dead_and_old_namespaces_and_keeps_live_ones(namespace_store, owner):
    live = namespace_for(new_run_id(), "Suites.Live", os.getpid())
    dead = namespace_for(new_run_id(), "Suites.Dead", os.getpid())
    old = namespace_for("20000101000000abcdef", "Suites.Old", os.getpid())
    namespace_store.create(live, owner)
    namespace_store.create(dead, ProcessId(owner.pid, "not-its-start-time"))
    namespace_store.create(old, owner)
    for namespace in (live, dead, old):
        namespace_store.redis.set(namespace.key_prefix + "k", "v")

    dropped = namespace_store.sweep(max_age=3600)

    assert {dead.schema, old.schema, dead.key_prefix, old.key_prefix} <= set(dropped)
    assert live.schema in _schemas(namespace_store)
    assert namespace_store.redis.get(live.key_prefix + "k") == "v"
    assert namespace_store.redis.keys(dead.key_prefix + "*") == []
    assert namespace_store.redis.keys(old.key_prefix + "*") == []
    namespace_store.drop(live)
