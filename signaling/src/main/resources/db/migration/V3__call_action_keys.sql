-- Idempotency-Key replays of call actions: {"<accountId>:<key>": {"h": request hash, "r": first response}}.
-- Kept on the call row itself so the key is stored by the very statement that applies the action (no extra
-- round trip, no window where the effect committed but the key did not).
ALTER TABLE call_sessions ADD COLUMN action_keys jsonb NOT NULL DEFAULT '{}'::jsonb
    CHECK (jsonb_typeof(action_keys) = 'object');
