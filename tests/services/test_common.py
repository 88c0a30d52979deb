"""The helpers every library shares: one setting resolver, one duration formatter, renamed arguments, one store of
aliased connections."""

from __future__ import annotations

from datetime import timedelta

import pytest

from libraries import common
from libraries.llm_library import settings as llm_settings
from libraries.services import settings as services_settings


def test_every_library_resolves_settings_the_same_way(monkeypatch):
    assert llm_settings.setting is services_settings.setting is common.setting
    monkeypatch.setenv("RFQ_SAMPLE_SETTING", "value")
    assert common.setting("RFQ_SAMPLE_SETTING") == "value"
    monkeypatch.setenv("RFQ_SAMPLE_SETTING", "")
    assert common.setting("RFQ_SAMPLE_SETTING") is None


def test_what_the_single_module_offered_is_still_importable_from_the_package():
    formerly = ["setting", "seconds", "duration", "renamed_argument", "ConnectionStore", "T", "C", "logger", "Secret"]
    formerly += ["BuiltIn", "RobotNotRunningError", "ConnectionCache", "NoConnection", "secs_to_timestr"]
    formerly += ["timestr_to_secs"]

    assert [name for name in formerly if not hasattr(common, name)] == []
    assert common.ConnectionStore.__module__ == "libraries.common.connections"


def test_durations_are_written_compact_or_in_words():
    assert common.duration(timedelta(milliseconds=500)) == "500ms"
    assert common.duration("1.5 s") == "1s 500ms"
    assert common.duration(timedelta(milliseconds=300), compact=False) == "300 milliseconds"
    assert common.duration(None) == "no limit"
    assert common.seconds("500 ms") == 0.5


def test_a_renamed_argument_takes_the_old_value_when_given():
    assert common.renamed_argument("K", "wait", None, "timeout", 3) == 3
    assert common.renamed_argument("K", "wait", 5, "timeout", 3) == 5


class Closable:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False

    def close(self) -> None:
        self.closed = True


class StoreFailure(Exception):
    pass


def store(**options) -> common.ConnectionStore[Closable]:
    return common.ConnectionStore(
        "No connection '{alias}' (open: {open}).", "Alias '{alias}' was replaced.", error=StoreFailure, **options
    )


def test_connections_are_found_by_alias_any_case_or_by_index_and_the_new_one_is_current():
    connections = store()
    first, second = Closable("first"), Closable("second")

    assert connections.register(first) == 1
    assert connections.register(second, "Judge") == 2

    assert connections.get_connection() is second
    assert connections.current_alias == "Judge"
    assert connections.get_connection("default") is first
    assert connections.get_connection("j U D G E") is second
    assert connections.get_connection("1") is first
    assert connections.aliases() == ["default", "Judge"]
    assert connections.switch("default") is first
    assert (connections.current_alias, connections.get_connection("")) == ("default", first)


def test_an_alias_opened_again_closes_the_old_connection_with_a_warning(monkeypatch):
    warnings = []
    monkeypatch.setattr(common.logger, "warn", warnings.append)
    connections = store()
    old, other, new = Closable("old"), Closable("other"), Closable("new")
    connections.register(old, "a")
    connections.register(other, "b")

    assert connections.register(new, "A") == 1

    assert warnings == ["Alias 'A' was replaced."]
    assert old.closed and not new.closed
    assert connections.get_connection("a") is new
    assert connections.aliases() == ["A", "b"]
    assert len(connections) == 2


def test_closing_one_connection_forgets_it_and_keeps_the_current_alias():
    connections = store(switch_to_new=False)
    first, second, third = Closable("1"), Closable("2"), Closable("3")
    for alias, connection in zip(("x", "y", "z"), (first, second, third), strict=True):
        connections.register(connection, alias)
    connections.switch("y")

    assert connections.close() is second

    assert second.closed and not (first.closed or third.closed)
    assert connections.aliases() == ["x", "z"]
    assert connections.get_connection(2) is third
    assert connections.current_alias == "y"
    assert not connections
    assert connections.close("y") is None
    connections.register(Closable("again"), "y")
    assert connections.get_connection().name == "again"


def test_a_missing_alias_fails_with_the_message_of_the_library():
    connections = store()
    with pytest.raises(StoreFailure, match=r"^No connection 'default' \(open: none\)\.$"):
        connections.get_connection()
    connections.register(Closable("z"), "zeta")
    connections.register(Closable("a"), "alpha")

    with pytest.raises(StoreFailure, match=r"^No connection 'nowhere' \(open: zeta, alpha\)\.$"):
        connections.get_connection("nowhere")
    with pytest.raises(StoreFailure, match=r"^No connection 'nowhere' \(open: none\)\.$"):
        store(sort_open=True).get_connection("nowhere")
    sorted_store = store(sort_open=True)
    sorted_store.register(Closable("z"), "zeta")
    sorted_store.register(Closable("a"), "alpha")
    with pytest.raises(StoreFailure, match=r"\(open: alpha, zeta\)"):
        sorted_store.switch("nowhere")


def test_a_new_connection_is_not_current_unless_the_store_switches_to_new_ones():
    connections = store(switch_to_new=False)
    connections.register(Closable("observer"), "observer")

    assert connections.current_alias == "default"
    with pytest.raises(StoreFailure, match=r"No connection 'default' \(open: observer\)"):
        connections.get_connection()


def test_close_all_closes_every_connection_and_goes_back_to_the_default_alias():
    connections = store()
    opened = [Closable("1"), Closable("2")]
    connections.register(opened[0])
    connections.register(opened[1], "judge")

    connections.close_all()

    assert all(connection.closed for connection in opened)
    assert (len(connections), connections.aliases(), connections.current_alias) == (0, [], "default")
    assert connections.register(Closable("3"), "judge") == 1
