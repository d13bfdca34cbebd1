-- ACD queues. No new tables: the offer timeout of the agent currently offered a queued call is a second timer on
-- the call (timer_at keeps the queue's max wait meanwhile); both are claimed by the same FOR UPDATE SKIP LOCKED poller.
ALTER TABLE call_sessions ADD COLUMN offer_timer_at timestamptz;
CREATE INDEX call_sessions_offer_timer_idx ON call_sessions (offer_timer_at) WHERE offer_timer_at IS NOT NULL;
-- The queue a call last entered, kept after the caller left it (queue_id is NULL then): the call snapshot's queueId,
-- which billing copies into the CDR.
ALTER TABLE call_sessions ADD COLUMN last_queue_id uuid REFERENCES call_queues (id) ON DELETE SET NULL;

-- Queue statistics read the queue attempts (one per caller per queue visit: started = entered, ended = left,
-- outcome answered / cancelled (abandoned) / timeout / busy (full)) by queue and time.
CREATE INDEX call_routing_queue_visits_idx ON call_routing (queue_id, started_at) INCLUDE (ended_at, outcome)
    WHERE target_type = 'queue';

-- Idempotency-Key replays of queue admin and agent POSTs, kept on the row the POST changed (as on call_sessions):
-- {"<accountId>:<key>": {"h": request hash, "r": first response}}.
ALTER TABLE call_queues ADD COLUMN action_keys jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(action_keys) = 'object');
ALTER TABLE queue_members ADD COLUMN action_keys jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(action_keys) = 'object');
-- Replays of a queue creation find the queue by its key (member rows are found by account first).
CREATE INDEX call_queues_action_keys_idx ON call_queues USING gin (action_keys);

-- The agent on a given call (on-call → wrap-up when it ends).
CREATE INDEX queue_members_current_call_idx ON queue_members (current_call_id) WHERE current_call_id IS NOT NULL;
