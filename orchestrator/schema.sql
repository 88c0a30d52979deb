-- The orchestrator's source of truth. Applied idempotently at start, in the schema named by ORCH_SCHEMA.

CREATE TABLE IF NOT EXISTS runs (
    id          uuid PRIMARY KEY,
    goal        text NOT NULL,
    provider    text NOT NULL CHECK (provider IN ('openai', 'anthropic')),
    model       text NOT NULL,
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'aggregating', 'succeeded', 'failed', 'cancelled')),
    result      text,
    error       text,
    deadline_at timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
-- Counts the changes of the run's cached copy (`store.cache_run`): an older copy never overwrites a newer one.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS runs_unfinished ON runs (deadline_at) WHERE finished_at IS NULL;

CREATE TABLE IF NOT EXISTS steps (
    run_id      uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step_no     integer NOT NULL CHECK (step_no >= 1),
    description text NOT NULL,
    tool        text NOT NULL DEFAULT 'none',
    tool_input  text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    result      text,
    error       text,
    deliveries  integer NOT NULL DEFAULT 0,
    worker      text,
    started_at  timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (run_id, step_no)
);

-- One row each time a step's effect is applied. Deliberately not unique: "applied once" is checked, not assumed.
CREATE TABLE IF NOT EXISTS step_effects (
    id         bigserial PRIMARY KEY,
    run_id     uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step_no    integer NOT NULL,
    worker     text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS step_effects_step ON step_effects (run_id, step_no);

-- A model answer is stored before it is used, so a redelivered message does not call the model again.
CREATE TABLE IF NOT EXISTS llm_answers (
    run_id     uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    purpose    text NOT NULL,
    answer     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, purpose)
);

CREATE TABLE IF NOT EXISTS llm_calls (
    id            bigserial PRIMARY KEY,
    run_id        uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    purpose       text NOT NULL,
    provider      text NOT NULL,
    model         text NOT NULL,
    request_id    text,
    input_tokens  integer NOT NULL DEFAULT 0,
    output_tokens integer NOT NULL DEFAULT 0,
    cost_usd      numeric(14, 8) NOT NULL DEFAULT 0,
    latency_ms    integer NOT NULL DEFAULT 0,
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS llm_calls_run ON llm_calls (run_id);

CREATE TABLE IF NOT EXISTS events (
    id         bigserial PRIMARY KEY,
    run_id     uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step_no    integer,
    kind       text NOT NULL,
    detail     text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS events_run ON events (run_id);

-- Messages to publish on Redis, written in the same transaction as the state change that needs them.
CREATE TABLE IF NOT EXISTS outbox (
    id           bigserial PRIMARY KEY,
    stream       text NOT NULL,
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
