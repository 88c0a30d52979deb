from __future__ import annotations

import json
import re
from enum import Enum
from typing import Any

from assertionengine import AssertionOperator, float_str_verify_assertion
from robot.api import logger
from robot.api.deco import keyword

from ..errors import LLMError, LLMExpectationFailed
from ..records import LLMRequest
from ..rubric import is_refusal, length_of, parse_json, schema_errors, score
from .base import LLMComponent, load_json_argument

JUDGE_SCHEMA = {
    "type": "object",
    "properties": {"score": {"type": "number", "minimum": 0, "maximum": 1}, "reason": {"type": "string"}},
    "required": ["score", "reason"],
}


class LengthUnit(Enum):
    """What a length counts: ``characters`` or ``words``."""

    characters = "characters"
    words = "words"


class ValidationKeywords(LLMComponent):
    @keyword("LLM Answer Should Contain")
    def llm_answer_should_contain(
        self, answer: str, expected: str, *, ignore_case: bool = False, message: str | None = None
    ) -> None:
        """*DEPRECATED* Use `Get Last LLM Answer` with ``contains``: ``Get Last LLM Answer    contains    Paris``.

        Fails unless ``answer`` contains ``expected``. Kept so that existing suites keep working; Robot Framework
        logs a warning each time it is used. For a case-insensitive check use
        ``Get Last LLM Answer    matches    (?i)paris``.

        Example:
        | LLM Answer Should Contain | ${answer} | Paris | ignore_case=True |
        """
        found = expected.casefold() in answer.casefold() if ignore_case else expected in answer
        if not found:
            raise LLMExpectationFailed(
                message or f"The answer should have contained '{expected}' but was '{_short(answer)}'."
            )

    @keyword("LLM Answer Should Match Pattern")
    def llm_answer_should_match_pattern(self, answer: str, pattern: str, *, message: str | None = None) -> None:
        """*DEPRECATED* Use `Get Last LLM Answer` with ``matches``: ``Get Last LLM Answer    matches    \\d{4}``.

        Fails unless the regular expression ``pattern`` is found in ``answer``. Kept so that existing suites keep
        working; Robot Framework logs a warning each time it is used.

        Example:
        | LLM Answer Should Match Pattern | ${answer} | \\d{4}-\\d{2}-\\d{2} |
        """
        if not re.search(pattern, answer):
            raise LLMExpectationFailed(
                message or f"The answer should have matched /{pattern}/ but was '{_short(answer)}'."
            )

    @keyword("LLM Answer Should Match Schema")
    def llm_answer_should_match_schema(
        self, answer: Any, schema: dict[str, Any] | str, *, message: str | None = None
    ) -> None:
        """Fails unless ``answer`` (JSON text or a parsed value) is valid against the JSON ``schema``.

        Example:
        | LLM Answer Should Match Schema | ${answer} | resources/llm/city.schema.json |
        """
        schema = load_json_argument(schema, "schema")
        try:
            value = parse_json(answer)
        except ValueError as error:
            raise LLMExpectationFailed(
                message or f"The answer should have been JSON but was '{_short(answer)}' ({error})."
            ) from None
        problems = schema_errors(value, schema)
        if problems:
            raise LLMExpectationFailed(
                message or f"The answer should have matched the schema but: {'; '.join(problems)}."
            )

    @keyword("LLM Answer Length Should Be Within")
    def llm_answer_length_should_be_within(
        self,
        answer: str,
        minimum: int,
        maximum: int,
        *,
        unit: LengthUnit = LengthUnit.characters,
        message: str | None = None,
    ) -> None:
        """Fails unless the length of ``answer`` in ``unit`` is between ``minimum`` and ``maximum`` inclusive.

        Example:
        | LLM Answer Length Should Be Within | ${answer} | 1 | 50 | unit=words |
        """
        size = length_of(answer, unit.value)
        if not minimum <= size <= maximum:
            raise LLMExpectationFailed(
                message or f"The answer should have had {minimum}..{maximum} {unit.value} but had {size}."
            )

    @keyword("LLM Answer Should Be A Refusal")
    def llm_answer_should_be_a_refusal(self, answer: str, *, message: str | None = None) -> None:
        """Fails unless ``answer`` reads as a refusal ("I'm sorry", "I can't help" ...).

        Example:
        | LLM Answer Should Be A Refusal | ${answer} |
        """
        if not is_refusal(answer):
            raise LLMExpectationFailed(message or f"The answer should have been a refusal but was '{_short(answer)}'.")

    @keyword("LLM Answer Should Not Be A Refusal")
    def llm_answer_should_not_be_a_refusal(self, answer: str, *, message: str | None = None) -> None:
        """Fails when ``answer`` reads as a refusal.

        Example:
        | LLM Answer Should Not Be A Refusal | ${answer} |
        """
        if is_refusal(answer):
            raise LLMExpectationFailed(
                message or f"The answer should not have been a refusal but was '{_short(answer)}'."
            )

    @keyword("Score LLM Answer")
    def score_llm_answer(
        self,
        answer: str,
        *,
        required_facts: list[str] | None = None,
        forbidden: list[str] | None = None,
        schema: dict[str, Any] | str | None = None,
        expects_json: bool = False,
        min_length: int | None = None,
        max_length: int | None = None,
        unit: LengthUnit = LengthUnit.characters,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
    ) -> float:
        """Scores ``answer`` from 0 to 1 with a deterministic rubric and logs the breakdown.

        Criteria: each required fact present (case-insensitive), each forbidden item absent, the format valid
        (JSON, against ``schema`` when given), the length in range. The score is the share met.

        Example:
        | ${score} = | Score LLM Answer | ${answer} | required_facts=${{["Paris", "France"]}} | max_length=200 |
        | Score LLM Answer | ${answer} | required_facts=${FACTS} | assertion_operator=>= | assertion_expected=0.75 |
        """
        parsed_schema = load_json_argument(schema, "schema") if schema is not None else None
        value, criteria = score(
            answer,
            required=list(required_facts or []),
            forbidden=list(forbidden or []),
            schema=parsed_schema,
            expects_json=expects_json,
            min_length=min_length,
            max_length=max_length,
            unit=unit.value,
        )
        breakdown = "; ".join(f"{'PASS' if c.passed else 'FAIL'} {c.name} ({c.detail})" for c in criteria)
        logger.info(f"Rubric score {value:.2f}: {breakdown or 'no criteria'}.")
        return float_str_verify_assertion(value, assertion_operator, assertion_expected, "Rubric score", message)

    @keyword("Judge LLM Answer")
    def judge_llm_answer(
        self,
        answer: str,
        criteria: str,
        assertion_operator: AssertionOperator | None = None,
        assertion_expected: Any = None,
        message: str | None = None,
        *,
        alias: str | None = None,
    ) -> float:
        """Asks the connection ``alias`` (an LLM as judge) to score ``answer`` against ``criteria`` from 0 to 1.

        Meaningful with a real provider only (use `Skip Unless Real LLM` first); the emulator returns a valid
        but arbitrary score. The judge's reason is logged.

        Example:
        | Skip Unless Real LLM | alias=judge |
        | Judge LLM Answer | ${answer} | Names Paris as the capital | >= | 0.7 | alias=judge |
        | ${score} = | Judge LLM Answer | ${answer} | Names Paris as the capital | alias=judge |
        """
        prompt = (
            "Score how well the ANSWER meets the CRITERIA, from 0 (not at all) to 1 (fully). "
            f'Reply as JSON {{"score": number, "reason": string}}.\nCRITERIA: {criteria}\nANSWER: {answer}'
        )
        request = LLMRequest([{"role": "user", "content": prompt}], max_tokens=300, schema=JUDGE_SCHEMA)
        record = self.state.call(request, alias)
        verdict = parse_json(record.text)
        problems = schema_errors(verdict, JUDGE_SCHEMA)
        if problems:
            raise LLMError(f"The judge should have answered {json.dumps(JUDGE_SCHEMA)} but: {'; '.join(problems)}.")
        logger.info(f"Judge score {verdict['score']:.2f}: {verdict['reason']}")
        return float_str_verify_assertion(
            float(verdict["score"]), assertion_operator, assertion_expected, "Judge score", message
        )


def _short(text: Any, limit: int = 200) -> str:
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}..."
