-- Agent state: runs, their tasks, and the events/messages they produce.
-- Applied into the suite's own schema (the session's search_path), so names are unqualified.

CREATE TABLE agent_runs (
    run_id      text PRIMARY KEY,
    agent_name  text NOT NULL,
    status      text NOT NULL DEFAULT 'queued'
                CONSTRAINT agent_runs_status_check
                CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    tokens_used bigint NOT NULL DEFAULT 0 CHECK (tokens_used >= 0),
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CONSTRAINT agent_runs_finished_after_start CHECK (finished_at IS NULL OR finished_at >= started_at)
);

CREATE TABLE agent_tasks (
    task_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id          text NOT NULL REFERENCES agent_runs (run_id) ON DELETE CASCADE,
    idempotency_key text NOT NULL CONSTRAINT agent_tasks_idempotency_key_unique UNIQUE,
    description     text NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CONSTRAINT agent_tasks_status_check
                    CHECK (status IN ('pending', 'claimed', 'done', 'failed')),
    claimed_by      text,
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agent_tasks_claim_has_worker CHECK (status = 'pending' OR claimed_by IS NOT NULL)
);

CREATE INDEX agent_tasks_pending ON agent_tasks (task_id) WHERE status = 'pending';

CREATE TABLE agent_events (
    event_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     text NOT NULL REFERENCES agent_runs (run_id) ON DELETE CASCADE,
    task_id    bigint REFERENCES agent_tasks (task_id) ON DELETE CASCADE,
    kind       text NOT NULL
               CONSTRAINT agent_events_kind_check
               CHECK (kind IN ('message', 'tool_call', 'tool_result', 'status', 'claim')),
    content    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX agent_events_by_run ON agent_events (run_id, event_id);
