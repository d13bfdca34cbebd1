-- signaling (ucp_calls): call_sessions, call_legs, call_routing, call_queues, queue_members.
-- Account, device and routing-rule ids belong to identity: plain uuid columns, never foreign keys.

-- Keeps updated_at honest for bulk UPDATE statements too; an explicit new value from the application is kept.
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE call_queues (
    id                    uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name                  text        NOT NULL UNIQUE,
    strategy              text        NOT NULL DEFAULT 'ring-all'
                          CHECK (strategy IN ('ring-all', 'longest-idle', 'round-robin', 'fewest-calls', 'random')),
    max_wait_seconds      integer     NOT NULL DEFAULT 300 CHECK (max_wait_seconds > 0),
    max_size              integer     NOT NULL DEFAULT 50 CHECK (max_size > 0),
    wrap_up_seconds       integer     NOT NULL DEFAULT 0 CHECK (wrap_up_seconds >= 0),
    -- How long one agent is offered a call, and how many misses in a row pause the agent.
    offer_timeout_seconds integer     NOT NULL DEFAULT 20 CHECK (offer_timeout_seconds > 0),
    max_missed_offers     integer     NOT NULL DEFAULT 3 CHECK (max_missed_offers > 0),
    -- Threshold for the "service level" statistic (share of calls answered within it).
    service_level_seconds integer     NOT NULL DEFAULT 20 CHECK (service_level_seconds > 0),
    -- Where max-wait / max-size overflow goes (user, E.164 number or another queue); NULL ends the call.
    overflow_target       jsonb       CHECK (overflow_target IS NULL OR jsonb_typeof(overflow_target) = 'object'),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE call_sessions (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    direction         text        NOT NULL CHECK (direction IN ('internal', 'inbound', 'outbound')),
    state             text        NOT NULL DEFAULT 'created'
                      CHECK (state IN ('created', 'routing', 'ringing', 'active', 'held', 'ended')),
    end_cause         text        CHECK (end_cause IN ('normal', 'busy', 'no-answer', 'rejected', 'cancelled', 'failed',
                                                       'insufficient-funds', 'timeout')),
    -- An inbound call from a trunk has no caller account, only a number.
    caller_account_id uuid,
    caller_device_id  uuid,
    caller_number     text,
    callee_kind       text        NOT NULL CHECK (callee_kind IN ('user', 'number', 'queue')),
    callee_account_id uuid,
    callee_number     text,
    callee_queue_id   uuid        REFERENCES call_queues (id) ON DELETE SET NULL,
    -- The gateway device the call left or entered through (calls to/from E.164 numbers).
    trunk_device_id   uuid,
    -- The queue the caller is waiting in right now (NULL otherwise): position = order by queue_entered_at.
    queue_id          uuid        REFERENCES call_queues (id) ON DELETE SET NULL,
    queue_entered_at  timestamptz,
    -- Persisted timer (ring timeout / queue max wait): a poller claims due rows with FOR UPDATE SKIP LOCKED,
    -- so timers survive a restart and exactly one instance acts.
    timer_kind        text        CHECK (timer_kind IN ('ring-timeout', 'queue-max-wait')),
    timer_at          timestamptz,
    -- Recording metadata kept with the call: [{id, object_key, content_type, size, duration_ms, started_at, ...}].
    recordings        jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(recordings) = 'array'),
    -- Idempotency-Key of the originating POST, so a replayed originate finds the first call.
    idempotency_key   text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    ringing_at        timestamptz,
    answered_at       timestamptz,
    ended_at          timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    version           bigint      NOT NULL DEFAULT 0,
    CONSTRAINT call_sessions_end_cause_chk CHECK ((state = 'ended') = (end_cause IS NOT NULL)),
    CONSTRAINT call_sessions_ended_at_chk CHECK ((state = 'ended') = (ended_at IS NOT NULL)),
    CONSTRAINT call_sessions_timer_chk CHECK ((timer_kind IS NULL) = (timer_at IS NULL))
);
-- Active calls are a small, hot subset of a growing history: partial indexes keep them cheap to find.
CREATE INDEX call_sessions_active_caller_idx ON call_sessions (caller_account_id, state) WHERE state <> 'ended';
CREATE INDEX call_sessions_active_callee_idx ON call_sessions (callee_account_id, state) WHERE state <> 'ended';
CREATE INDEX call_sessions_active_idx ON call_sessions (created_at, id) WHERE state <> 'ended';
CREATE INDEX call_sessions_queue_waiting_idx ON call_sessions (queue_id, queue_entered_at) WHERE queue_id IS NOT NULL;
CREATE INDEX call_sessions_timer_idx ON call_sessions (timer_at) WHERE timer_at IS NOT NULL;
CREATE UNIQUE INDEX call_sessions_idempotency_uq ON call_sessions (caller_account_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- One row per attempt made to reach someone for a call (a routing step, a forward, a queue, an agent offer).
CREATE TABLE call_routing (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    call_id     uuid        NOT NULL REFERENCES call_sessions (id) ON DELETE CASCADE,
    attempt_no  integer     NOT NULL CHECK (attempt_no >= 1),
    rule_id     uuid,       -- identity's routing rule that produced the step (NULL for a default plan)
    step        integer     CHECK (step >= 0),
    target_type text        NOT NULL CHECK (target_type IN ('devices', 'user', 'number', 'queue', 'agent', 'reject')),
    target      jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(target) = 'object'),
    -- Set for queue attempts and agent offers: queue statistics (answered, abandoned, waits) are read from here.
    queue_id    uuid        REFERENCES call_queues (id) ON DELETE SET NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz,
    -- NULL while the attempt is in progress; 'cancelled' = the caller gave up (abandon, cancel while ringing).
    outcome     text        CHECK (outcome IN ('answered', 'no-answer', 'busy', 'rejected', 'failed', 'timeout',
                                               'cancelled')),
    reason      text,       -- why, in words (e.g. "no trunk connected for +49")
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT call_routing_attempt_uq UNIQUE (call_id, attempt_no),
    CONSTRAINT call_routing_outcome_chk CHECK (outcome IS NULL OR ended_at IS NOT NULL)
);
CREATE INDEX call_routing_queue_idx ON call_routing (queue_id, started_at) WHERE queue_id IS NOT NULL;

CREATE TABLE call_legs (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    call_id     uuid        NOT NULL REFERENCES call_sessions (id) ON DELETE CASCADE,
    routing_id  uuid        REFERENCES call_routing (id) ON DELETE SET NULL,  -- the attempt that rang this leg
    role        text        NOT NULL CHECK (role IN ('caller', 'callee', 'agent', 'transfer-target')),
    state       text        NOT NULL DEFAULT 'created'
                CHECK (state IN ('created', 'ringing', 'active', 'held', 'ended')),
    end_cause   text        CHECK (end_cause IN ('normal', 'busy', 'no-answer', 'rejected', 'cancelled', 'failed',
                                                 'insufficient-funds', 'timeout')),
    account_id  uuid,
    device_id   uuid,
    number      text,       -- the outside party's number on a trunk leg
    muted       boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    ringing_at  timestamptz,
    answered_at timestamptz,
    ended_at    timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT call_legs_end_cause_chk CHECK ((state = 'ended') = (end_cause IS NOT NULL)),
    CONSTRAINT call_legs_ended_at_chk CHECK ((state = 'ended') = (ended_at IS NOT NULL))
);
CREATE INDEX call_legs_call_idx ON call_legs (call_id, created_at);
-- "Is this user/device busy?", "my active calls" and party checks look at live legs only.
CREATE INDEX call_legs_active_account_idx ON call_legs (account_id, call_id) WHERE state <> 'ended';
CREATE INDEX call_legs_active_device_idx ON call_legs (device_id) WHERE state <> 'ended';
CREATE INDEX call_legs_routing_idx ON call_legs (routing_id) WHERE routing_id IS NOT NULL;

CREATE TABLE queue_members (
    id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    queue_id           uuid        NOT NULL REFERENCES call_queues (id) ON DELETE CASCADE,
    account_id         uuid        NOT NULL,  -- the agent
    tier               integer     NOT NULL DEFAULT 1 CHECK (tier >= 1),  -- lower tiers are offered first
    priority           integer     NOT NULL DEFAULT 0,                    -- order within a tier
    state              text        NOT NULL DEFAULT 'logged-out'
                       CHECK (state IN ('logged-out', 'available', 'on-call', 'wrap-up', 'paused')),
    state_changed_at   timestamptz NOT NULL DEFAULT now(),
    paused_reason      text,
    current_call_id    uuid        REFERENCES call_sessions (id) ON DELETE SET NULL,
    -- Strategy inputs: round-robin = oldest last_offered_at, longest-idle = oldest last_call_ended_at,
    -- fewest-calls = smallest calls_answered.
    last_offered_at    timestamptz,
    last_call_ended_at timestamptz,
    calls_answered     bigint      NOT NULL DEFAULT 0 CHECK (calls_answered >= 0),
    missed_offers      integer     NOT NULL DEFAULT 0 CHECK (missed_offers >= 0),  -- in a row; resets on answer
    -- Persisted wrap-up timer, claimed like call_sessions.timer_at.
    wrap_up_until      timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            bigint      NOT NULL DEFAULT 0,
    CONSTRAINT queue_members_queue_agent_uq UNIQUE (queue_id, account_id),
    CONSTRAINT queue_members_wrap_up_chk CHECK (state = 'wrap-up' OR wrap_up_until IS NULL)
);
CREATE INDEX queue_members_agent_idx ON queue_members (account_id);
CREATE INDEX queue_members_available_idx ON queue_members (queue_id, tier, priority) WHERE state = 'available';
CREATE INDEX queue_members_wrap_up_idx ON queue_members (wrap_up_until) WHERE wrap_up_until IS NOT NULL;

CREATE TRIGGER call_queues_touch BEFORE UPDATE ON call_queues FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER call_sessions_touch BEFORE UPDATE ON call_sessions FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER call_routing_touch BEFORE UPDATE ON call_routing FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER call_legs_touch BEFORE UPDATE ON call_legs FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER queue_members_touch BEFORE UPDATE ON queue_members FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
