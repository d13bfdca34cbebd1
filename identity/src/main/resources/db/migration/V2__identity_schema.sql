-- identity (ucp_accounts): accounts, user_profiles, user_devices, feature_flags, routing_rules.
-- Other domains refer to accounts by id only: nothing outside this database has a foreign key to it.

-- Keeps updated_at honest for bulk UPDATE statements too; an explicit new value from the application is kept.
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE accounts (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Stored as entered; uniqueness is case-insensitive (index below). NULL only once deleted: deletion erases
    -- personal data but keeps the id, so ids held by other domains never dangle.
    email         text,
    password_hash text,
    status        text        NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'suspended', 'deleted')),
    roles         text[]      NOT NULL DEFAULT ARRAY['user']::text[]
                  CHECK (roles <@ ARRAY['user', 'agent', 'admin']::text[] AND array_position(roles, NULL) IS NULL),
    suspended_at  timestamptz,
    deleted_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       bigint      NOT NULL DEFAULT 0,
    CONSTRAINT accounts_email_format_chk CHECK (email IS NULL OR position('@' IN email) > 1),
    CONSTRAINT accounts_credentials_chk CHECK (status = 'deleted' OR (email IS NOT NULL AND password_hash IS NOT NULL)),
    CONSTRAINT accounts_deleted_at_chk CHECK ((status = 'deleted') = (deleted_at IS NOT NULL))
);
CREATE UNIQUE INDEX accounts_email_lower_uq ON accounts (lower(email));
-- Admin listing pages through accounts by creation time.
CREATE INDEX accounts_created_at_idx ON accounts (created_at, id);

-- One profile per account, keyed by the account id.
CREATE TABLE user_profiles (
    account_id       uuid        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    display_name     text,
    phone_e164       text        CHECK (phone_e164 ~ '^\+[1-9][0-9]{1,14}$'),
    time_zone        text        NOT NULL DEFAULT 'UTC',  -- IANA id, validated by the service
    -- Mirror of presence.events; the version lets an older, redelivered event be dropped.
    presence_status  text        NOT NULL DEFAULT 'offline'
                     CHECK (presence_status IN ('available', 'away', 'busy', 'dnd', 'appear-offline', 'on-call',
                                                'offline')),
    presence_version bigint      NOT NULL DEFAULT 0,
    presence_updated_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
-- Directory search by name/phone prefix (text_pattern_ops serves LIKE 'x%' whatever the database collation);
-- phone is not unique: several people may share a desk number, signaling decides how to route it.
CREATE INDEX user_profiles_display_name_idx ON user_profiles (lower(display_name) text_pattern_ops, account_id);
CREATE INDEX user_profiles_phone_idx ON user_profiles (phone_e164 text_pattern_ops);

CREATE TABLE user_devices (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id        uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    type              text        NOT NULL CHECK (type IN ('web', 'mobile', 'desktop', 'sip')),
    name              text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    push_token        text,
    -- SIP credentials are shown once; only the digest hash (e.g. HA1) is kept.
    sip_username      text        UNIQUE,
    sip_password_hash text,
    last_seen_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_devices_sip_only_chk CHECK (type = 'sip' OR (sip_username IS NULL AND sip_password_hash IS NULL))
);
CREATE INDEX user_devices_account_idx ON user_devices (account_id, created_at);

-- One table for the diagram's feature_flags: a row with account_id NULL is the global default, a row with an
-- account_id is that account's override.
CREATE TABLE feature_flags (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    key             text        NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9._-]{0,127}$'),
    type            text        NOT NULL CHECK (type IN ('bool', 'number', 'string', 'json')),
    value           jsonb       NOT NULL,
    description     text,
    account_id      uuid        REFERENCES accounts (id) ON DELETE CASCADE,
    -- An override points at its global default (same key and type), so an override can't outlive its flag or
    -- disagree on the type; renaming or retyping the default cascades (and a retype then fails the value check).
    default_flag_id uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT feature_flags_id_key_type_uq UNIQUE (id, key, type),
    CONSTRAINT feature_flags_default_flag_fk FOREIGN KEY (default_flag_id, key, type)
        REFERENCES feature_flags (id, key, type)
        ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT feature_flags_override_chk CHECK ((account_id IS NULL) = (default_flag_id IS NULL)),
    CONSTRAINT feature_flags_value_type_chk CHECK (CASE type
               WHEN 'bool'   THEN jsonb_typeof(value) = 'boolean'
               WHEN 'number' THEN jsonb_typeof(value) = 'number'
               WHEN 'string' THEN jsonb_typeof(value) = 'string'
               ELSE true
           END)
);
-- Unique (key, account_id) with NULL meaning "global": two partial indexes, as NULLs are distinct in UNIQUE.
CREATE UNIQUE INDEX feature_flags_global_key_uq ON feature_flags (key) WHERE account_id IS NULL;
CREATE UNIQUE INDEX feature_flags_account_key_uq ON feature_flags (account_id, key) WHERE account_id IS NOT NULL;
CREATE INDEX feature_flags_default_flag_idx ON feature_flags (default_flag_id) WHERE default_flag_id IS NOT NULL;

-- Ordered inbound-call rules per account. conditions/action are validated field by field by the service;
-- the database only guards their shape.
CREATE TABLE routing_rules (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position   integer     NOT NULL CHECK (position >= 0),
    name       text,
    enabled    boolean     NOT NULL DEFAULT true,
    conditions jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(conditions) = 'object'),
    action     jsonb       NOT NULL CHECK (jsonb_typeof(action) = 'object' AND action ->> 'type' IS NOT NULL),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint      NOT NULL DEFAULT 0,
    -- Deferred so a reorder can swap positions row by row inside one transaction.
    CONSTRAINT routing_rules_account_position_uq UNIQUE (account_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER user_profiles_touch BEFORE UPDATE ON user_profiles FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER user_devices_touch BEFORE UPDATE ON user_devices FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER feature_flags_touch BEFORE UPDATE ON feature_flags FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER routing_rules_touch BEFORE UPDATE ON routing_rules FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
