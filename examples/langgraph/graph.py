"""The team: a supervisor routes a goal to a researcher, then to a writer, then ends.

The supervisor routes by what the state still lacks (a rule, not a model call), so a run's model calls come in a
known order (researcher, then writer) and tests can script each one. The model name is taken per run from
``config["configurable"]["model"]``.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from .model import Models

AGENTS = ("researcher", "writer")
"""The agent nodes, in the order a run executes them."""
OUTPUTS = {"researcher": "research", "writer": "answer"}
"""The state key each agent writes: its committed effect."""


class Team(TypedDict, total=False):
    goal: str
    research: str
    answer: str


def build(checkpointer, models: Models):
    """The compiled graph, checkpointed by `checkpointer` after every step."""

    def ask(config: RunnableConfig, node: str, messages: list[BaseMessage]) -> str:
        settings = config["configurable"]
        return models.ask(settings["thread_id"], node, settings["model"], messages)

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
