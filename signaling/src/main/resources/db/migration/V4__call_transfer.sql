-- The transfer in progress or last done on a call (blind or attended), as the call snapshot carries it.
ALTER TABLE call_sessions ADD COLUMN transfer jsonb CHECK (transfer IS NULL OR jsonb_typeof(transfer) = 'object');
