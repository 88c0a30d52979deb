"""The team: a supervisor routes a goal to a researcher, then to a writer, then ends.

The supervisor routes by what the state still lacks (a rule, not a model call), so a run's model calls come in a
known order (researcher, then writer) and tests can script each one. The model name is taken per run from
``config["configurable"]["model"]``; every model call a node makes is journaled in ``lg_llm_calls``.
"""

from __future__ import annotations

from typing import Literal, Protocol, TypedDict

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langchain_openai import ChatOpenAI
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

LLM_TIMEOUT_S = 30.0
LLM_RETRIES = 2

AGENTS = ("researcher", "writer")
"""The agent nodes, in the order a run executes them."""
OUTPUTS = {"researcher": "research", "writer": "answer"}
"""The state key each agent writes: its committed effect."""


class CallJournal(Protocol):
    """Where model calls are recorded (``store.LlmCalls``)."""

    def asked(self, run_id: str, node: str, model: str) -> int: ...
    def answered(self, call_id: int, usage: dict | None) -> None: ...
    def failed(self, call_id: int, error: str) -> None: ...


class Team(TypedDict, total=False):
    goal: str
    research: str
    answer: str


class ModelError(RuntimeError):
    """A model call failed; the message names the node and the provider's answer."""


def build(checkpointer, *, base_url: str, api_key: str, calls: CallJournal):
    """The compiled graph, checkpointed by `checkpointer` after every step."""

    def ask(config: RunnableConfig, node: str, messages: list[BaseMessage]) -> str:
        settings = config["configurable"]
        model = settings["model"]
        llm = ChatOpenAI(
            model=model, base_url=base_url, api_key=api_key, timeout=LLM_TIMEOUT_S, max_retries=LLM_RETRIES
        )
        call = calls.asked(settings["thread_id"], node, model)
        try:
            answer = llm.invoke(messages)
        except Exception as error:
            calls.failed(call, describe(error))
            raise ModelError(f"{node}: {describe(error)}") from error
        calls.answered(call, answer.usage_metadata)
        return str(answer.content)

    def supervisor(state: Team) -> Command[Literal["researcher", "writer", "__end__"]]:
        if not state.get("research"):
            return Command(goto="researcher")
        if not state.get("answer"):
            return Command(goto="writer")
        return Command(goto=END)

    def researcher(state: Team, config: RunnableConfig) -> Team:
        prompt = [SystemMessage("You are a researcher. List the facts the goal needs."), HumanMessage(state["goal"])]
        return {"research": ask(config, "researcher", prompt)}

    def writer(state: Team, config: RunnableConfig) -> Team:
        prompt = [
            SystemMessage("You are a writer. Answer the goal from the research notes."),
            HumanMessage(f"Goal: {state['goal']}\n\nResearch notes:\n{state['research']}"),
        ]
        return {"answer": ask(config, "writer", prompt)}

    graph = StateGraph(Team)
    graph.add_node("supervisor", supervisor)
    graph.add_node("researcher", researcher)
    graph.add_node("writer", writer)
    graph.add_edge(START, "supervisor")
    graph.add_edge("researcher", "supervisor")
    graph.add_edge("writer", "supervisor")
    return graph.compile(checkpointer=checkpointer)


def describe(error: BaseException) -> str:
    """``OpenAI answered 400 (message)`` for an API error, else the error's type and text."""
    status = getattr(error, "status_code", None)
    if status is not None:
        body = getattr(error, "body", None)
        message = body.get("message") if isinstance(body, dict) else None
        return f"OpenAI answered {status} ({message or error})"
    return f"{type(error).__name__}: {error}"
