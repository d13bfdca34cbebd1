-- signaling ends a call whose device vanished with end cause 'device-lost' (billed up to the moment it was lost).
ALTER TABLE cdr_records DROP CONSTRAINT cdr_records_end_cause_check;
ALTER TABLE cdr_records ADD CONSTRAINT cdr_records_end_cause_check CHECK (end_cause IN ('normal', 'busy', 'no-answer',
    'rejected', 'cancelled', 'failed', 'insufficient-funds', 'timeout', 'device-lost'));
