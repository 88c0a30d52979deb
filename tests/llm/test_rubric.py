"""The deterministic answer checks and the 0-1 rubric score."""

from __future__ import annotations

import pytest
from assertionengine import AssertionOperator

from libraries.llm_library.errors import LLMError, LLMExpectationFailed
from libraries.llm_library.rubric import is_refusal, parse_json, score

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


def _score(text: str, **criteria):
    options = {"required": [], "forbidden": [], "schema": None, "expects_json": False, "min_length": None}
    options.update({"max_length": None, "unit": "characters"}, **criteria)
    return score(text, **options)


def test_all_criteria_met_scores_one():
    value, criteria = _score("Paris is in France.", required=["paris", "France"], forbidden=["Berlin"], max_length=40)
    assert value == 1.0
    assert [c.passed for c in criteria] == [True, True, True, True]


def test_each_missed_criterion_costs_its_share():
    value, criteria = _score("Berlin is in France.", required=["Paris", "France"], forbidden=["Berlin"], max_length=40)
    assert value == pytest.approx(0.5)
    assert {c.name: c.detail for c in criteria if not c.passed} == {
        "required fact 'Paris'": "missing",
        "forbidden 'Berlin'": "found",
    }


def test_the_format_criterion_checks_the_schema():
    assert _score('{"n": 1}', schema=SCHEMA)[0] == 1.0
    value, criteria = _score('{"n": "one"}', schema=SCHEMA)
    assert value == 0.0
    assert "'one' is not of type 'integer'" in criteria[0].detail


def test_text_that_is_not_json_fails_the_format_criterion():
    value, criteria = _score("not json", expects_json=True)
    assert value == 0.0
    assert criteria[0].detail.startswith("not JSON")


def test_length_counts_words_when_asked():
    assert _score("one two three", min_length=3, max_length=3, unit="words")[0] == 1.0
    assert _score("one two three", min_length=4, unit="words")[0] == 0.0


def test_no_criteria_scores_one():
    assert _score("anything") == (1.0, [])


def test_a_fenced_json_block_is_accepted():
    assert parse_json('```json\n{"n": 2}\n```') == {"n": 2}


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("I'm sorry, but I can't help with that.", True),
        ("I cannot assist with this request.", True),
        ("As an AI, I do not hold opinions.", True),
        ("Paris is the capital of France.", False),
        ("Sorry for the wait: the answer is 42.", False),
    ],
)
def test_refusals_are_recognised(text, refusal):
    assert is_refusal(text) is refusal


def test_score_keyword_asserts_inline(library):
    assert library.score_llm_answer("Paris", required_facts=["Paris", "France"]) == 0.5
    with pytest.raises(AssertionError, match="Rubric score"):
        library.score_llm_answer(
            "Paris",
            required_facts=["Paris", "France"],
            assertion_operator=AssertionOperator(">="),
            assertion_expected="0.9",
        )


def test_contains_failure_says_what_was_expected_and_found(library):
    with pytest.raises(LLMExpectationFailed, match=r"should have contained 'Rome' but was 'Paris'\."):
        library.llm_answer_should_contain("Paris", "Rome")
    with pytest.raises(LLMExpectationFailed, match=r"^custom$"):
        library.llm_answer_should_contain("Paris", "Rome", message="custom")


def test_the_judge_returns_a_score_between_zero_and_one(library):
    """Against the emulator the score is arbitrary but must be a schema-valid 0-1 number."""
    library.connect_to_llm("anthropic", alias="judge")
    score = library.judge_llm_answer("Paris is the capital of France.", "Names the capital of France", alias="judge")
    assert 0.0 <= score <= 1.0


def test_a_judge_verdict_that_breaks_its_schema_fails(library):
    library.connect_to_llm("openai")
    library.llm_will_answer('{"score": 7, "reason": "great"}')
    with pytest.raises(
        LLMError, match=r"The judge should have answered .* but: score: 7 is greater than the maximum of 1"
    ):
        library.judge_llm_answer("anything", "anything")
