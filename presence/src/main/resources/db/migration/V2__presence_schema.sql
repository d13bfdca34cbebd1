-- presence (ucp_messaging): conversations, conversation_participants, messages, presence_status,
-- presence_subscriptions. Account ids belong to identity: plain uuid columns, never foreign keys.

-- Keeps updated_at honest for bulk UPDATE statements too; an explicit new value from the application is kept.
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE conversations (
    id                     uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    kind                   text        NOT NULL CHECK (kind IN ('direct', 'group', 'channel')),
    name                   text        CHECK (char_length(name) <= 200),
    created_by             uuid        NOT NULL,
    -- A direct conversation names its pair in canonical order, so "one direct per pair" is a plain UNIQUE.
    direct_low_account_id  uuid,
    direct_high_account_id uuid,
    -- Channels: the lowest role allowed to post.
    posting_role           text        NOT NULL DEFAULT 'member' CHECK (posting_role IN ('owner', 'admin', 'member')),
    -- Per-conversation message counter: sending does UPDATE ... SET last_message_seq = last_message_seq + 1
    -- RETURNING, which serialises senders of one conversation and gives a gap-free, monotonic messages.seq.
    last_message_seq       bigint      NOT NULL DEFAULT 0 CHECK (last_message_seq >= 0),
    last_message_at        timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conversations_direct_pair_chk CHECK (CASE WHEN kind = 'direct'
        THEN direct_low_account_id IS NOT NULL AND direct_high_account_id IS NOT NULL
        ELSE direct_low_account_id IS NULL AND direct_high_account_id IS NULL END),
    CONSTRAINT conversations_direct_order_chk CHECK (direct_low_account_id < direct_high_account_id),
    CONSTRAINT conversations_direct_pair_uq UNIQUE (direct_low_account_id, direct_high_account_id)
);
CREATE INDEX conversations_channel_name_idx ON conversations (lower(name) text_pattern_ops) WHERE kind = 'channel';

CREATE TABLE conversation_participants (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    account_id      uuid        NOT NULL,
    role            text        NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    joined_at       timestamptz NOT NULL DEFAULT now(),
    -- Read horizon as a message seq: unread = messages with seq > last_read_seq from others, not deleted.
    last_read_seq   bigint      NOT NULL DEFAULT 0 CHECK (last_read_seq >= 0),
    last_read_at    timestamptz,
    muted           boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conversation_participants_uq UNIQUE (conversation_id, account_id)
);
-- "My conversations" (feed snapshot, active chats, unread counts).
CREATE INDEX conversation_participants_account_idx ON conversation_participants (account_id, conversation_id);

CREATE TABLE messages (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id   uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq               bigint      NOT NULL CHECK (seq >= 1),
    sender_account_id uuid        NOT NULL,
    -- Client-chosen id (or Idempotency-Key): a retried send hits the unique key and returns the first message.
    client_message_id text        CHECK (char_length(client_message_id) <= 200),
    body              text,       -- size cap enforced by the service; NULL once deleted (tombstone)
    -- Attachment metadata: [{object_key, content_type, size, name}]; the bytes live in S3.
    attachments       jsonb       NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(attachments) = 'array'),
    created_at        timestamptz NOT NULL DEFAULT now(),
    edited_at         timestamptz,
    deleted_at        timestamptz,
    deleted_by        uuid,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- Cursor pagination both ways walks this index forwards or backwards.
    CONSTRAINT messages_seq_uq UNIQUE (conversation_id, seq),
    CONSTRAINT messages_client_message_uq UNIQUE (conversation_id, sender_account_id, client_message_id),
    CONSTRAINT messages_content_chk
        CHECK (deleted_at IS NOT NULL OR body IS NOT NULL OR jsonb_array_length(attachments) > 0),
    CONSTRAINT messages_deleted_by_chk CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);

-- Durable part of presence; the live per-device state and the hot aggregate are in Redis, rebuilt from here.
CREATE TABLE presence_status (
    account_id        uuid        PRIMARY KEY,
    chosen_state      text        NOT NULL DEFAULT 'available'
                      CHECK (chosen_state IN ('available', 'away', 'busy', 'dnd', 'appear-offline')),
    status_text       text        CHECK (char_length(status_text) <= 200),
    status_expires_at timestamptz,
    -- Calls the user is on, from call.events (a set, so replays and the end of one of two calls are harmless).
    active_call_ids   uuid[]      NOT NULL DEFAULT '{}'::uuid[],
    -- What watchers see: appear-offline is published as offline.
    published_state   text        NOT NULL DEFAULT 'offline'
                      CHECK (published_state IN ('available', 'away', 'busy', 'dnd', 'on-call', 'offline')),
    last_seen_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- Optimistic lock and the per-user presence version carried by presence.changed.
    version           bigint      NOT NULL DEFAULT 0
);
CREATE INDEX presence_status_expiry_idx ON presence_status (status_expires_at) WHERE status_expires_at IS NOT NULL;

-- XMPP-like: the watcher requests, the target approves/denies/blocks; blocked stays (no re-request).
CREATE TABLE presence_subscriptions (
    id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    watcher_account_id uuid        NOT NULL,
    target_account_id  uuid        NOT NULL,
    state              text        NOT NULL DEFAULT 'pending'
                       CHECK (state IN ('pending', 'approved', 'denied', 'cancelled', 'blocked')),
    requested_at       timestamptz NOT NULL DEFAULT now(),
    decided_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT presence_subscriptions_pair_uq UNIQUE (watcher_account_id, target_account_id),
    CONSTRAINT presence_subscriptions_self_chk CHECK (watcher_account_id <> target_account_id)
);
-- Who watches me (fan-out of my changes) and whom I watch (feed snapshot), filtered by state.
CREATE INDEX presence_subscriptions_target_idx ON presence_subscriptions (target_account_id, state);
CREATE INDEX presence_subscriptions_watcher_idx ON presence_subscriptions (watcher_account_id, state);

CREATE TRIGGER conversations_touch BEFORE UPDATE ON conversations FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER conversation_participants_touch BEFORE UPDATE ON conversation_participants
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER messages_touch BEFORE UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER presence_status_touch BEFORE UPDATE ON presence_status FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER presence_subscriptions_touch BEFORE UPDATE ON presence_subscriptions
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
