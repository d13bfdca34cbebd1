-- Call history: each party's own view of a finished call (caller, callee, every leg's account: agents offered it,
-- transfer targets), written once per party when call.ended is consumed. A projection of call_sessions/call_legs
-- rather than a query over them, because "my calls, newest first" and "my missed calls since I last looked" must stay
-- one index range scan per page however many legs and attempts a call had.
CREATE TABLE call_history (
    account_id       uuid        NOT NULL,
    call_id          uuid        NOT NULL REFERENCES call_sessions (id) ON DELETE CASCADE,
    -- From this account's point of view: it placed the call (outgoing) or was called / offered it (incoming).
    direction        text        NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    internal         boolean     NOT NULL,  -- both ends were accounts of the platform (no number, no trunk)
    role             text        NOT NULL CHECK (role IN ('caller', 'callee', 'agent', 'transfer-target')),
    outcome          text        NOT NULL CHECK (outcome IN ('answered', 'missed', 'rejected', 'busy', 'cancelled',
                                                             'failed', 'no-answer', 'answered-elsewhere')),
    peer_account_id  uuid,
    peer_number      text,
    peer_queue_id    uuid,
    queue_id         uuid,
    started_at       timestamptz NOT NULL,
    answered_at      timestamptz,
    ended_at         timestamptz NOT NULL,
    duration_seconds bigint      NOT NULL CHECK (duration_seconds >= 0),
    end_cause        text        NOT NULL,
    recordings       jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(recordings) = 'array'),
    PRIMARY KEY (account_id, call_id)
);
-- Pages newest first: (started_at, call_id) descending within one account.
CREATE INDEX call_history_newest_idx ON call_history (account_id, started_at DESC, call_id DESC);
-- The missed-calls badge: missed entries of one account after the time it last marked them seen.
CREATE INDEX call_history_missed_idx ON call_history (account_id, ended_at) WHERE outcome = 'missed';

-- When each account last marked its missed calls seen (no row: never).
CREATE TABLE call_history_marks (
    account_id     uuid        PRIMARY KEY,
    missed_seen_at timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Retention prunes ended calls (their legs, attempts and history cascade) oldest first, in bounded batches.
CREATE INDEX call_sessions_ended_idx ON call_sessions (ended_at) WHERE state = 'ended';
