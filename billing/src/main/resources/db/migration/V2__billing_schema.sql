-- billing (ucp_cdr): cdr_records, billing_plans, account_billing.
-- Account and call ids belong to identity and signaling: plain uuid columns, never foreign keys.
-- Money: tariff inputs (per-minute rates, connect fees) numeric(20,6); amounts that land on a balance
-- (costs, balances, fees, limits) numeric(20,4). Never float.
-- The ledger (charge / top-up / adjustment / refund) is deliberately not here yet: a later issue decides where it
-- lives, since the diagram names only these three tables.

-- Keeps updated_at honest for bulk UPDATE statements too; an explicit new value from the application is kept.
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

-- A plan in use is never edited: a change is a new (code, version) row, and the previous version gets an
-- effective_to. The version for a call is the one whose [effective_from, effective_to) holds the call's start.
-- NB: "version" here is the plan's version, not an optimistic-lock counter.
CREATE TABLE billing_plans (
    id                           uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    code                         text          NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    version                      integer       NOT NULL CHECK (version >= 1),
    name                         text          NOT NULL,
    currency                     char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    effective_from               timestamptz   NOT NULL,
    effective_to                 timestamptz,
    -- Billing increments: first charged block, then each following block (60/60, 30/6, 1/1 ...).
    initial_increment_seconds    integer       NOT NULL DEFAULT 60 CHECK (initial_increment_seconds >= 1),
    subsequent_increment_seconds integer       NOT NULL DEFAULT 60 CHECK (subsequent_increment_seconds >= 1),
    connect_fee                  numeric(20,6) NOT NULL DEFAULT 0 CHECK (connect_fee >= 0),
    minimum_charge               numeric(20,4) NOT NULL DEFAULT 0 CHECK (minimum_charge >= 0),
    monthly_fee                  numeric(20,4) NOT NULL DEFAULT 0 CHECK (monthly_fee >= 0),
    included_free_minutes        integer       NOT NULL DEFAULT 0 CHECK (included_free_minutes >= 0),
    internal_rate_per_minute     numeric(20,6) NOT NULL DEFAULT 0 CHECK (internal_rate_per_minute >= 0),
    -- [{prefix, rate_per_minute, connect_fee?}] matched by longest E.164 prefix; read whole with the plan
    -- (and cached), so a jsonb array beats a child table the diagram doesn't have.
    destination_rates            jsonb         NOT NULL DEFAULT '[]'::jsonb
                                 CHECK (jsonb_typeof(destination_rates) = 'array'),
    created_at                   timestamptz   NOT NULL DEFAULT now(),
    updated_at                   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT billing_plans_code_version_uq UNIQUE (code, version),
    CONSTRAINT billing_plans_effective_chk CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX billing_plans_code_effective_idx ON billing_plans (code, effective_from);

-- One row per account (created from identity.events).
CREATE TABLE account_billing (
    account_id            uuid          PRIMARY KEY,
    -- Plans are versioned, so the account follows a code; the version is picked per call by time (no FK: code
    -- alone is not unique in billing_plans).
    plan_code             text,
    mode                  text          NOT NULL DEFAULT 'prepaid' CHECK (mode IN ('prepaid', 'postpaid')),
    currency              char(3)       NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    balance               numeric(20,4) NOT NULL DEFAULT 0,
    credit_limit          numeric(20,4) NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
    low_balance_threshold numeric(20,4) NOT NULL DEFAULT 0 CHECK (low_balance_threshold >= 0),
    -- Last state announced, so balance.low / balance.exhausted go out once per crossing, not once per charge.
    balance_state         text          NOT NULL DEFAULT 'ok' CHECK (balance_state IN ('ok', 'low', 'exhausted')),
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now(),
    version               bigint        NOT NULL DEFAULT 0
);

-- Exactly one CDR per call (UNIQUE call_id): a redelivered call.ended conflicts instead of charging twice.
CREATE TABLE cdr_records (
    id                uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    call_id           uuid          NOT NULL CONSTRAINT cdr_records_call_uq UNIQUE,
    account_id        uuid          NOT NULL,  -- the paying account
    caller_account_id uuid,
    callee_account_id uuid,
    caller_number     text,
    callee_number     text,
    direction         text          NOT NULL CHECK (direction IN ('internal', 'inbound', 'outbound')),
    started_at        timestamptz   NOT NULL,  -- call setup
    answered_at       timestamptz,
    ended_at          timestamptz   NOT NULL,
    duration_seconds  integer       NOT NULL CHECK (duration_seconds >= 0),
    billable_seconds  integer       NOT NULL DEFAULT 0 CHECK (billable_seconds >= 0),
    -- Included free seconds this call consumed: the month's usage is a SUM over (account_id, started_at),
    -- so a replay or re-rate can't drift a separate counter.
    free_seconds      integer       NOT NULL DEFAULT 0 CHECK (free_seconds >= 0),
    disposition       text          NOT NULL
                      CHECK (disposition IN ('answered', 'no-answer', 'busy', 'failed', 'cancelled',
                                             'insufficient-funds')),
    end_cause         text          CHECK (end_cause IN ('normal', 'busy', 'no-answer', 'rejected', 'cancelled',
                                                         'failed', 'insufficient-funds', 'timeout')),
    transfer_info     jsonb         CHECK (transfer_info IS NULL OR jsonb_typeof(transfer_info) IN ('object', 'array')),
    queue_info        jsonb         CHECK (queue_info IS NULL OR jsonb_typeof(queue_info) = 'object'),
    recordings        jsonb         NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(recordings) = 'array'),
    -- Rating result; NULL cost = not rated yet (e.g. no plan assigned). Re-rating bumps rating_version.
    cost              numeric(20,4) CHECK (cost >= 0),
    currency          char(3)       CHECK (currency ~ '^[A-Z]{3}$'),
    plan_code         text,
    plan_version      integer,
    rate_prefix       text,
    rate_per_minute   numeric(20,6),
    rating_version    integer       NOT NULL DEFAULT 1 CHECK (rating_version >= 1),
    rated_at          timestamptz,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT cdr_records_times_chk CHECK (ended_at >= started_at
                                            AND (answered_at IS NULL OR answered_at BETWEEN started_at AND ended_at)),
    CONSTRAINT cdr_records_rated_chk CHECK ((cost IS NULL) = (rated_at IS NULL)
                                           AND (cost IS NULL OR currency IS NOT NULL))
);
-- Search/export by account and time (also the monthly free-minutes sum) and by time alone, with (time, id)
-- as the pagination cursor. Kept to two secondary indexes: every index costs CDR insert throughput.
CREATE INDEX cdr_records_account_started_idx ON cdr_records (account_id, started_at, id);
CREATE INDEX cdr_records_started_idx ON cdr_records (started_at, id);

CREATE TRIGGER billing_plans_touch BEFORE UPDATE ON billing_plans FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER account_billing_touch BEFORE UPDATE ON account_billing FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER cdr_records_touch BEFORE UPDATE ON cdr_records FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
