"""What the three agent roles do with a message. Each handler is idempotent: a redelivered message changes nothing
that was committed. Every read and write of PostgreSQL goes through `store`; every status change through
`store.transition` (runs) or the step functions of `store` (steps), guarded by the table in `states`.

- planner (stream ``plan``): goal -> steps, the model's answer checked against `PLAN_SCHEMA`;
- worker (stream ``steps``): one step -> optional tool call, a streamed model answer, result and effect committed
  in one transaction guarded by the step's status;
- aggregator (stream ``aggregate``): every step's result -> the run's final answer.

Model answers are stored before they are used (`llm_answers`), so a message redelivered after its answer was stored
does not call the model again (two deliveries working at the same moment may each call it; one answer is used).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import uuid
from collections.abc import Callable
from typing import Any

import jsonschema
import redis

from . import store, tools
from .defects import Defects
from .keys import AGGREGATE_STREAM, PLAN_STREAM, STEP_STREAM, STREAM_ROLES
from .llm import Answer, LLMFailure, Models
from .queues import Delivery, Queues
from .settings import Settings
from .states import TERMINAL_RUN_STATUSES, RunStatus, StepStatus
from .store import Message, Store

log = logging.getLogger("orchestrator.agents")

PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "steps": {
            "type": "array",
            "minItems": 1,
            "maxItems": 8,
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string", "minLength": 1},
                    "tool": {"type": "string", "enum": list(tools.NAMES)},
                    "input": {"type": "string"},
                },
                "required": ["description", "tool", "input"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["steps"],
    "additionalProperties": False,
}
_PLAN_VALIDATOR = jsonschema.Draft202012Validator(PLAN_SCHEMA)  # checked once: validate() rechecks the schema
PLANNER_SYSTEM = (
    "You are the planner of a team of agents. Split the user's goal into 1 to 8 steps that workers can carry out "
    "independently. For each step give a description, a tool (none, word_count or calculator) and the tool's input."
)
WORKER_SYSTEM = "You are a worker agent. Carry out the one step you are given and answer with its result only."
AGGREGATOR_SYSTEM = "You are the aggregator. Combine the results of the steps into one final answer to the goal."


class UnreadableMessage(Exception):
    """A message no redelivery can help: it goes to the dead-letter stream at once."""


class StepFailed(Exception):
    """A failure that is final for the run (a model error, a bad plan, a tool's bad input)."""


class RoleHandlers:
    """The handlers of the planner, worker and aggregator roles, for the agent process named `agent`."""

    def __init__(
        self, settings: Settings, db: Store, queues: Queues, models: Models, agent: str, defects: Defects | None = None
    ) -> None:
        self.settings = settings
        self.db = db
        self.queues = queues
        self.models = models
        self.agent = agent
        self.defects = defects or Defects(settings.defects)

    def handle(self, delivery: Delivery) -> None:
        handlers = {PLAN_STREAM: self.plan, STEP_STREAM: self.carry_out_step, AGGREGATE_STREAM: self.aggregate}
        run_id = _run_id(delivery)
        try:
            handlers[delivery.stream](delivery, run_id)
        except StepFailed as failure:
            if delivery.stream == STEP_STREAM:
                self.fail(run_id, str(failure), _step_no(delivery))
            else:
                self.fail(run_id, f"{STREAM_ROLES[delivery.stream]}: {failure}")

    # -- roles ------------------------------------------------------------------------------------

    def plan(self, delivery: Delivery, run_id: str) -> None:
        run = self._open_run(run_id, expected=RunStatus.PENDING)
        if run is None:
            return
        text = self._answer(
            run,
            "plan",
            lambda: self.models.structured(
                run["provider"], run["model"], PLANNER_SYSTEM, f"Goal: {run['goal']}", PLAN_SCHEMA
            ),
        )
        steps = _checked_plan(text)
        with self.db.transaction() as db:
            if not store.transition(db, run_id, RunStatus.RUNNING):
                return
            store.add_steps(db, run_id, steps)
            store.add_event(db, run_id, "planned", f"{len(steps)} steps")
            messages = [
                store.enqueue(db, STEP_STREAM, {"run_id": run_id, "step_no": n}) for n in range(1, len(steps) + 1)
            ]
            messages.append(store.cache_run(db, run_id))
        self._after_commit(run_id, messages)

    def carry_out_step(self, delivery: Delivery, run_id: str) -> None:
        step_no = _step_no(delivery)
        with self.db.transaction() as db:
            run = self._live_run(db, run_id)
            step = store.get_step(db, run_id, step_no)
            if step is None:
                raise UnreadableMessage(f"run {run_id} has no step {step_no}")
            if run is None or run["status"] != RunStatus.RUNNING:
                return
            if step["status"] == StepStatus.RUNNING and not self.defects.resumes_running_step():
                return
            if not store.start_step(db, run_id, step_no, self.agent) and not self.defects.reapplies_ended_step():
                return
        self._failpoint("before_llm")
        tool_output = self._tool(step)
        prompt = f"Goal: {run['goal']}\nStep {step_no}: {step['description']}"
        if tool_output is not None:
            prompt += f"\nThe {step['tool']} tool gave: {tool_output}"
        text = self._answer(
            run,
            f"step:{step_no}",
            lambda: self.models.streamed_text(run["provider"], run["model"], WORKER_SYSTEM, prompt),
            fresh=self.defects.ignores_stored_answer(delivery.deliveries),
        )
        self._failpoint("after_llm")
        messages: list[Message] = []
        open_steps_allowed = self.defects.open_steps_allowed_at_aggregation()
        with self.db.transaction() as db:
            run = store.get_run(db, run_id, lock=True)  # the run row before the step's: the lock order everywhere
            if run["status"] != RunStatus.RUNNING:
                return
            applied = store.apply_step_result(db, run_id, step_no, text, self.agent)
            if not applied and self.defects.reapplies_ended_step():
                store.add_step_effect(db, run_id, step_no, self.agent)
            if store.steps_not_succeeded(db, run_id) <= open_steps_allowed and store.transition(
                db, run_id, RunStatus.AGGREGATING
            ):
                messages.append(store.enqueue(db, AGGREGATE_STREAM, {"run_id": run_id}))
                messages.append(store.cache_run(db, run_id))
        self._failpoint("after_commit")
        self._after_commit(run_id, messages)

    def aggregate(self, delivery: Delivery, run_id: str) -> None:
        run = self._open_run(run_id, expected=RunStatus.AGGREGATING)
        if run is None:
            return
        with self.db.transaction() as db:
            results = self.defects.aggregation_order(store.get_steps(db, run_id))
        prompt = f"Goal: {run['goal']}\n" + "\n".join(f"Step {s['step_no']}: {s['result']}" for s in results)
        text = self._answer(
            run, "aggregate", lambda: self.models.text(run["provider"], run["model"], AGGREGATOR_SYSTEM, prompt)
        )
        with self.db.transaction() as db:
            if not store.transition(db, run_id, RunStatus.SUCCEEDED, result=self.defects.stored_result(text)):
                return
            store.add_event(db, run_id, RunStatus.SUCCEEDED.value)
            cached = [store.cache_run(db, run_id)] if self.defects.caches_finished_run() else []
        self._after_commit(run_id, cached)

    # -- failures ---------------------------------------------------------------------------------

    def fail(self, run_id: str, reason: str, step_no: int | None = None) -> None:
        """Fails the step (if any) and its run with one reason; nothing happens to a run that already ended."""
        with self.db.transaction() as db:
            store.get_run(db, run_id, lock=True)  # the run row first, as everywhere else: no lock-order deadlock
            if step_no is not None:
                store.fail_step(db, run_id, step_no, reason)
                reason = f"step {step_no}: {reason}"
            ended = store.finish_run(db, run_id, RunStatus.FAILED, error=reason)
            cached = store.cache_run(db, run_id) if ended else None
        if cached:
            log.info("run %s failed: %s", run_id, reason)
            self._after_commit(run_id, [cached])

    def dead_lettered(self, delivery: Delivery, reason: str) -> None:
        run_id = delivery.payload.get("run_id")
        if isinstance(run_id, str) and _is_uuid(run_id):
            step_no = delivery.payload.get("step_no") if delivery.stream == STEP_STREAM else None
            self.fail(run_id, reason, step_no if isinstance(step_no, int) else None)

    # -- helpers ----------------------------------------------------------------------------------

    def _open_run(self, run_id: str, *, expected: RunStatus) -> dict[str, Any] | None:
        with self.db.transaction() as db:
            run = self._live_run(db, run_id)
        return run if run is not None and run["status"] == expected else None

    def _live_run(self, db: Any, run_id: str) -> dict[str, Any] | None:
        """The run, or None when it has ended; a run past its deadline is failed here rather than worked on."""
        run = store.get_run(db, run_id)
        if run is None:
            raise UnreadableMessage(f"there is no run {run_id}")
        if run["status"] in TERMINAL_RUN_STATUSES:
            return None
        late = run["past_deadline"] and self.defects.enforces_deadlines()
        return None if late and store.expire_run_if_late(db, run) else run

    def _answer(self, run: dict[str, Any], purpose: str, call: Callable[[], Answer], *, fresh: bool = False) -> str:
        """The stored answer for `purpose`, else the model's (stored before it is returned, its call recorded).
        ``fresh`` is only ever set by a seeded defect: ask again and record nothing."""
        run_id = str(run["id"])
        if fresh:
            try:
                return call().text
            except LLMFailure as failure:
                raise StepFailed(failure.reason) from None
        with self.db.transaction() as db:
            stored = store.stored_answer(db, run_id, purpose)
        if stored is not None:
            return stored
        try:
            answer = call()
        except LLMFailure as failure:
            if failure.call:
                with self.db.transaction() as db:
                    store.record_call(db, run_id, purpose, failure.call)
            raise StepFailed(failure.reason) from None
        with self.db.transaction() as db:
            store.record_call(db, run_id, purpose, answer.call)
            return store.save_answer(db, run_id, purpose, answer.text)

    def _tool(self, step: dict[str, Any]) -> str | None:
        try:
            return tools.run(step["tool"], step["tool_input"])
        except tools.ToolError as error:
            raise StepFailed(f"tool {step['tool']}: {error}") from None

    def _after_commit(self, run_id: str, messages: list[Message]) -> None:
        """Publishes what was committed (work and the run's cached copy); if Redis fails here the relay catches up."""
        if not messages:
            return
        try:
            self.queues.publish(messages)
            with self.db.transaction() as db:
                store.mark_published(db, [message.id for message in messages])
        except redis.RedisError as error:
            log.warning("run %s: Redis update deferred to the relay and reconciler (%s)", run_id, error)

    def _failpoint(self, name: str) -> None:
        """``ORCH_FAILPOINT=<name>`` makes this process SIGKILL itself at that point of a step (crash tests)."""
        if self.settings.failpoint == name:
            log.warning("failpoint %s: killing %s", name, self.agent)
            os.kill(os.getpid(), signal.SIGKILL)


def _checked_plan(text: str) -> list[dict[str, Any]]:
    try:
        plan = json.loads(text)
    except ValueError:
        raise StepFailed(f"the plan is not JSON: {text[:120]!r}") from None
    try:
        _PLAN_VALIDATOR.validate(plan)
    except jsonschema.ValidationError as error:
        where = "/".join(str(part) for part in error.absolute_path) or "the plan"
        raise StepFailed(f"the plan does not match its schema at {where}: {error.message[:200]}") from None
    return plan["steps"]


def _run_id(delivery: Delivery) -> str:
    run_id = delivery.payload.get("run_id")
    if not isinstance(run_id, str) or not _is_uuid(run_id):
        raise UnreadableMessage(f"the message names no run: {str(delivery.payload)[:200]}")
    return run_id


def _step_no(delivery: Delivery) -> int:
    step_no = delivery.payload.get("step_no")
    if not isinstance(step_no, int) or step_no < 1:
        raise UnreadableMessage(f"the message names no step: {str(delivery.payload)[:200]}")
    return step_no


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
