"""The helpers every library shares: one setting resolver, one duration formatter, renamed arguments."""

from __future__ import annotations

from datetime import timedelta

from libraries import common
from libraries.llm_library import settings as llm_settings
from libraries.services import settings as services_settings


def test_every_library_resolves_settings_the_same_way(monkeypatch):
    assert llm_settings.setting is services_settings.setting is common.setting
    monkeypatch.setenv("RFQ_SAMPLE_SETTING", "value")
    assert common.setting("RFQ_SAMPLE_SETTING") == "value"
    monkeypatch.setenv("RFQ_SAMPLE_SETTING", "")
    assert common.setting("RFQ_SAMPLE_SETTING") is None


def test_durations_are_written_compact_or_in_words():
    assert common.duration(timedelta(milliseconds=500)) == "500ms"
    assert common.duration("1.5 s") == "1s 500ms"
    assert common.duration(timedelta(milliseconds=300), compact=False) == "300 milliseconds"
    assert common.duration(None) == "no limit"
    assert common.seconds("500 ms") == 0.5


def test_a_renamed_argument_takes_the_old_value_when_given():
    assert common.renamed_argument("K", "wait", None, "timeout", 3) == 3
    assert common.renamed_argument("K", "wait", 5, "timeout", 3) == 5
