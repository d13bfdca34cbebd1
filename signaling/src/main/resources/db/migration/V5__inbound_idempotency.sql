-- Inbound calls from a trunk have no caller account: their Idempotency-Key is scoped to the trunk device.
CREATE UNIQUE INDEX call_sessions_trunk_idempotency_uq ON call_sessions (trunk_device_id, idempotency_key)
    WHERE caller_account_id IS NULL AND idempotency_key IS NOT NULL;
