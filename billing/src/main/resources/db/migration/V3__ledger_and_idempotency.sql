-- The ledger lives in the three diagram tables (no new table):
--  * a charge is a rated cdr_records row itself (amount = -cost at first rating, dated ended_at);
--  * re-rating a CDR appends an entry to its rating_adjustments (amount = previous cost - new cost), so a
--    correction is visible and never a second charge;
--  * account-level entries (top-up, adjustment, refund, monthly fee) are appended to account_billing.ledger under
--    the row's lock, in the same transaction that moves the balance.
-- Invariant (tested): balance = sum(account ledger) - sum(charges) + sum(re-rating adjustments).
ALTER TABLE account_billing
    ADD COLUMN ledger jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(ledger) = 'array');
ALTER TABLE cdr_records
    ADD COLUMN rating_adjustments jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(rating_adjustments) = 'array');
-- Idempotency-Key of the POST that created a plan version: a replay returns that version instead of a 409.
ALTER TABLE billing_plans
    ADD COLUMN idempotency_key text,
    ADD COLUMN request_hash    text;
CREATE UNIQUE INDEX billing_plans_idempotency_uq ON billing_plans (idempotency_key) WHERE idempotency_key IS NOT NULL;
