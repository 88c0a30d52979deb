"""The three agents of a run, each a plain chat completion with function tools.

- The *planner* must call ``submit_plan`` with the steps to research.
- The *researcher* works through the steps in one conversation: each step is one call that must record a note
  (``record_note``); then it hands the conversation over to the writer by calling ``transfer_to_writer``.
- The *writer* answers the goal in text from the notes it was handed.

The conversation (every message, tool calls and tool results included) is read from and written to Redis, so each
call sends what the agent has said so far.
"""

from __future__ import annotations

import json
from typing import Any

from .llm import InvalidAnswer, Model, tool_arguments
from .store import Conversation

MAX_STEPS = 6


def function(name: str, description: str, properties: dict[str, Any]) -> dict[str, Any]:
    parameters = {"type": "object", "properties": properties, "required": list(properties)}
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


def forced(tool: dict[str, Any]) -> dict[str, Any]:
    return {"tools": [tool], "tool_choice": {"type": "function", "function": {"name": tool["function"]["name"]}}}


SUBMIT_PLAN = function(
    "submit_plan",
    "Submit the research plan: the steps to research, in order.",
    {"steps": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "maxItems": MAX_STEPS}},
)
RECORD_NOTE = function("record_note", "Record what this step found.", {"note": {"type": "string"}})
TRANSFER_TO_WRITER = function(
    "transfer_to_writer", "Hand the research over to the writer, with a summary.", {"summary": {"type": "string"}}
)

PLANNER = "You are a planner. Split the goal into research steps and submit them with submit_plan."
RESEARCHER = "You are a researcher. For each step, record what you found with record_note."
WRITER = "You are a writer. Answer the goal from the researcher's notes, in plain text."


def plan(model: Model, goal: str) -> list[str]:
    messages = [{"role": "system", "content": PLANNER}, {"role": "user", "content": goal}]
    message = model.ask("planner", None, messages, **forced(SUBMIT_PLAN))
    steps = tool_arguments(message, "submit_plan").get("steps")
    valid = isinstance(steps, list) and 0 < len(steps) <= MAX_STEPS
    if not valid or not all(isinstance(step, str) and step.strip() for step in steps):
        raise InvalidAnswer(f"the plan does not match its schema: {json.dumps(steps)[:200]}")
    return [step.strip() for step in steps]


def research(model: Model, conversation: Conversation, number: int, description: str) -> str:
    """One step: the researcher's note on it, the call and its tool result kept in the conversation."""
    ask = {"role": "user", "content": f"Step {number}: {description}"}
    message = model.ask("researcher", number, [*conversation.messages(), ask], **forced(RECORD_NOTE))
    note = tool_arguments(message, "record_note").get("note")
    if not isinstance(note, str):
        raise InvalidAnswer("record_note was called without a note")
    conversation.append(ask, _assistant(message), _tool_result(message, "record_note", "Noted."))
    return note


def hand_off(model: Model, conversation: Conversation) -> str:
    """The researcher transfers the conversation to the writer; returns its summary."""
    ask = {"role": "user", "content": "The steps are done: hand over to the writer."}
    message = model.ask("researcher", None, [*conversation.messages(), ask], **forced(TRANSFER_TO_WRITER))
    summary = tool_arguments(message, "transfer_to_writer").get("summary")
    if not isinstance(summary, str):
        raise InvalidAnswer("transfer_to_writer was called without a summary")
    conversation.append(ask, _assistant(message), _tool_result(message, "transfer_to_writer", "Transferred."))
    conversation.hand_to("writer")
    return summary


def write(model: Model, conversation: Conversation, goal: str, notes: list[str], summary: str) -> str:
    listed = "\n".join(f"- {note}" for note in notes)
    ask = {"role": "user", "content": f"Goal: {goal}\n\nResearch notes:\n{listed}\n\nSummary: {summary}"}
    message = model.ask("writer", None, [{"role": "system", "content": WRITER}, ask])
    if not message.content:
        raise InvalidAnswer("the writer answered no text")
    conversation.append({"role": "assistant", "name": "writer", "content": message.content})
    return message.content


def opening(goal: str, steps: list[str]) -> list[dict[str, Any]]:
    """The researcher's first messages."""
    listed = "\n".join(f"{number}. {step}" for number, step in enumerate(steps, start=1))
    return [{"role": "system", "content": RESEARCHER}, {"role": "user", "content": f"Goal: {goal}\nPlan:\n{listed}"}]


def _assistant(message: Any) -> dict[str, Any]:
    return message.model_dump(include={"role", "content", "tool_calls"}, exclude_none=True)


def _tool_result(message: Any, tool: str, content: str) -> dict[str, Any]:
    call = next(call for call in message.tool_calls if call.function.name == tool)
    return {"role": "tool", "tool_call_id": call.id, "content": content}
