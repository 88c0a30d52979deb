"""A run from its goal to its answer: planner, researcher steps, hand-off, writer."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from . import agents, store
from .llm import LLM_TIMEOUT_S, Failure, Model, classify

log = logging.getLogger("examples.plain_sdk")


def execute(run_id: str, env: Mapping[str, str]) -> None:
    name = env.get("PS_APPLICATION_NAME", "plain_sdk")
    db = store.connect(env["PS_DATABASE_URL"], env["PS_SCHEMA"], application_name=name)
    run = store.begin(db, run_id, os.getpid())
    if run is None:
        log.info("run %s is not pending: nothing to do", run_id)
        return
    conversation = store.Conversation(store.redis_client(env["PS_REDIS_URL"]), env.get("PS_KEY_PREFIX", ""), run_id)
    model = Model(
        base_url=env["PS_OPENAI_BASE_URL"],
        api_key=env.get("PS_OPENAI_API_KEY") or "unused",
        model=run["model"],
        journal=store.LlmCalls(db, run_id),
        timeout_s=float(env.get("PS_LLM_TIMEOUT_S") or LLM_TIMEOUT_S),
    )
    try:
        answer = _work(db, run_id, run["goal"], model, conversation)
    except Exception as error:  # every way a run ends unanswered is stored as its error
        failure = error if isinstance(error, Failure) else classify(error, 0)
        log.info("run %s failed: %s: %s", run_id, failure.kind, failure.message)
        store.fail(db, run_id, failure.kind, failure.message, failure.provider, failure.status)
        return
    store.succeed(db, run_id, answer)
    log.info("run %s succeeded", run_id)


def _work(db, run_id: str, goal: str, model: Model, conversation: store.Conversation) -> str:
    steps = agents.plan(model, goal)
    store.plan(db, run_id, steps)
    conversation.hand_to("researcher")
    conversation.append(*agents.opening(goal, steps))
    notes = []
    for number, description in enumerate(steps, start=1):
        store.step_started(db, run_id, number)
        note = agents.research(model, conversation, number, description)
        store.step_done(db, run_id, number, note)
        notes.append(note)
    store.set_status(db, run_id, "aggregating")
    summary = agents.hand_off(model, conversation)
    return agents.write(model, conversation, goal, notes, summary)
