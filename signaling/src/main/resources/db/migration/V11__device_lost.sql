-- A call whose device on one side is gone (closed, crashed, its instance dead) ends with its own cause after a grace,
-- instead of staying active forever: end cause 'device-lost' on the call and its legs.
ALTER TABLE call_sessions DROP CONSTRAINT call_sessions_end_cause_check;
ALTER TABLE call_sessions ADD CONSTRAINT call_sessions_end_cause_check CHECK (end_cause IN ('normal', 'busy',
    'no-answer', 'rejected', 'cancelled', 'failed', 'insufficient-funds', 'timeout', 'device-lost'));
ALTER TABLE call_legs DROP CONSTRAINT call_legs_end_cause_check;
ALTER TABLE call_legs ADD CONSTRAINT call_legs_end_cause_check CHECK (end_cause IN ('normal', 'busy', 'no-answer',
    'rejected', 'cancelled', 'failed', 'insufficient-funds', 'timeout', 'device-lost'));
