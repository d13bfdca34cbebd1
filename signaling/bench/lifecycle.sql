-- One call lifecycle (originate -> ringing -> answer -> hang up) as signaling issues it: the same statements
-- (busy check, the originate CTE, then for answer and hang-up the load query and the version-guarded write CTE),
-- each auto-committed as the service does, as prepared statements (pgbench -M prepared) like the service's. Only the JSON parameters are built here with SQL instead of Java.
SELECT gen_random_uuid() AS call_id, gen_random_uuid() AS caller, gen_random_uuid() AS callee,
       gen_random_uuid() AS caller_leg, gen_random_uuid() AS callee_leg, gen_random_uuid() AS routing,
       gen_random_uuid() AS dev1, gen_random_uuid() AS dev2, repeat('x', 900) AS pad \gset
SELECT EXISTS (SELECT 1 FROM call_legs WHERE account_id = (:callee)::uuid AND state IN ('active', 'held')) AS busy;
WITH c AS (INSERT INTO call_sessions (id, direction, state, end_cause, caller_account_id, caller_device_id,
        callee_kind, callee_account_id, timer_kind, timer_at, idempotency_key, action_keys, created_at, ringing_at,
        ended_at, updated_at, version, caller_number, callee_number, trunk_device_id)
    VALUES ((:call_id)::uuid, 'internal', 'ringing', NULL, (:caller)::uuid, (:dev1)::uuid, 'user', (:callee)::uuid, 'ring-timeout',
        now() + interval '30 seconds', NULL, '{}'::jsonb, now(), now(), NULL, now(), 1, NULL, NULL, NULL)
    ON CONFLICT DO NOTHING RETURNING id),
r AS (INSERT INTO call_routing (id, call_id, attempt_no, rule_id, step, target_type, target, started_at, ended_at,
        outcome, reason, queue_id)
    SELECT x.id, (:call_id)::uuid, x.attempt_no + coalesce((SELECT max(attempt_no) FROM call_routing
        WHERE call_id = (:call_id)::uuid), 0), x.rule_id, x.step, x.target_type, x.target, x.started_at, x.ended_at,
        x.outcome, x.reason, (x.target ->> 'queueId')::uuid
    FROM jsonb_to_recordset(jsonb_build_array(jsonb_build_object('id', (:routing)::uuid, 'attempt_no', 1,
        'target_type', 'devices', 'target', jsonb_build_object('accountId', (:callee)::uuid), 'started_at', now())))
        AS x(id uuid, attempt_no int, rule_id uuid, step int, target_type text, target jsonb,
        started_at timestamptz, ended_at timestamptz, outcome text, reason text) WHERE EXISTS (SELECT 1 FROM c)),
l AS (INSERT INTO call_legs (id, call_id, routing_id, role, state, end_cause, account_id, device_id, number,
        created_at, ringing_at, answered_at, ended_at)
    SELECT x.id, (:call_id)::uuid, x.routing_id, x.role, x.state, x.end_cause, x.account_id, x.device_id, x.number,
        x.created_at, x.ringing_at, x.answered_at, x.ended_at
    FROM jsonb_to_recordset(jsonb_build_array(
        jsonb_build_object('id', (:caller_leg)::uuid, 'role', 'caller', 'state', 'created', 'account_id', (:caller)::uuid,
            'device_id', (:dev1)::uuid, 'created_at', now()),
        jsonb_build_object('id', (:callee_leg)::uuid, 'routing_id', (:routing)::uuid, 'role', 'callee', 'state', 'ringing',
            'account_id', (:callee)::uuid, 'device_id', (:dev2)::uuid, 'created_at', now(), 'ringing_at', now())))
        AS x(id uuid, routing_id uuid, role text, state text, end_cause text, account_id uuid, device_id uuid,
        number text, created_at timestamptz, ringing_at timestamptz, answered_at timestamptz, ended_at timestamptz)
    WHERE EXISTS (SELECT 1 FROM c)),
o AS (INSERT INTO outbox_events (event_id, topic, event_key, event_type, subject, payload)
    SELECT gen_random_uuid(), 'call.events.bench', (:call_id)::text, t, 'calls/' || (:call_id)::text,
        jsonb_build_object('call', jsonb_build_object('callId', (:call_id)::uuid, 'pad', (:pad)::text))
    FROM unnest(ARRAY['call.created', 'call.ringing']) AS t WHERE EXISTS (SELECT 1 FROM c))
SELECT count(*) AS won FROM c;
-- answer: load, then the version-guarded write
SELECT c.id, c.state, c.version, c.recordings::text, c.transfer::text, (c.action_keys -> NULL::text)::text,
    (SELECT json_agg(json_build_object('id', l.id, 'role', l.role, 'state', l.state, 'endCause', l.end_cause,
        'accountId', l.account_id, 'deviceId', l.device_id, 'number', l.number, 'muted', l.muted,
        'createdAt', l.created_at, 'ringingAt', l.ringing_at, 'answeredAt', l.answered_at, 'endedAt', l.ended_at)
        ORDER BY l.created_at, l.role <> 'caller', l.id)::text FROM call_legs l WHERE l.call_id = c.id)
FROM call_sessions c WHERE c.id = (:call_id)::uuid;
WITH c AS (UPDATE call_sessions SET state = 'active', answered_at = now(), timer_kind = NULL, timer_at = NULL,
        version = 2, updated_at = now(), transfer = NULL, recordings = '[]'::jsonb
    WHERE id = (:call_id)::uuid AND version = 1 RETURNING id),
l AS (UPDATE call_legs AS l SET state = x.state, end_cause = x.end_cause, answered_at = x.answered_at,
        ended_at = x.ended_at, muted = x.muted
    FROM jsonb_to_recordset(jsonb_build_array(
        jsonb_build_object('id', (:caller_leg)::uuid, 'state', 'active', 'answered_at', now(), 'muted', false),
        jsonb_build_object('id', (:callee_leg)::uuid, 'state', 'active', 'answered_at', now(), 'muted', false)))
        AS x(id uuid, state text, end_cause text, answered_at timestamptz, ended_at timestamptz, muted boolean)
    WHERE l.id = x.id AND l.call_id = (:call_id)::uuid AND EXISTS (SELECT 1 FROM c)),
r AS (UPDATE call_routing SET outcome = 'answered', ended_at = now()
    WHERE call_id = (:call_id)::uuid AND outcome IS NULL AND EXISTS (SELECT 1 FROM c)),
o AS (INSERT INTO outbox_events (event_id, topic, event_key, event_type, subject, payload)
    SELECT gen_random_uuid(), 'call.events.bench', (:call_id)::text, 'call.answered', 'calls/' || (:call_id)::text,
        jsonb_build_object('call', jsonb_build_object('callId', (:call_id)::uuid, 'pad', (:pad)::text))
    WHERE EXISTS (SELECT 1 FROM c))
SELECT count(*) AS won FROM c;
-- hang up: load, then the version-guarded write
SELECT c.id, c.state, c.version, c.recordings::text, c.transfer::text, (c.action_keys -> NULL::text)::text,
    (SELECT json_agg(json_build_object('id', l.id, 'role', l.role, 'state', l.state, 'endCause', l.end_cause,
        'accountId', l.account_id, 'deviceId', l.device_id, 'number', l.number, 'muted', l.muted,
        'createdAt', l.created_at, 'ringingAt', l.ringing_at, 'answeredAt', l.answered_at, 'endedAt', l.ended_at)
        ORDER BY l.created_at, l.role <> 'caller', l.id)::text FROM call_legs l WHERE l.call_id = c.id)
FROM call_sessions c WHERE c.id = (:call_id)::uuid;
WITH c AS (UPDATE call_sessions SET state = 'ended', end_cause = 'normal', ended_at = now(), version = 3,
        updated_at = now(), transfer = NULL, recordings = '[]'::jsonb
    WHERE id = (:call_id)::uuid AND version = 2 RETURNING id),
l AS (UPDATE call_legs AS l SET state = x.state, end_cause = x.end_cause, answered_at = x.answered_at,
        ended_at = x.ended_at, muted = x.muted
    FROM jsonb_to_recordset(jsonb_build_array(
        jsonb_build_object('id', (:caller_leg)::uuid, 'state', 'ended', 'end_cause', 'normal', 'answered_at', now(),
            'ended_at', now(), 'muted', false),
        jsonb_build_object('id', (:callee_leg)::uuid, 'state', 'ended', 'end_cause', 'normal', 'answered_at', now(),
            'ended_at', now(), 'muted', false)))
        AS x(id uuid, state text, end_cause text, answered_at timestamptz, ended_at timestamptz, muted boolean)
    WHERE l.id = x.id AND l.call_id = (:call_id)::uuid AND EXISTS (SELECT 1 FROM c)),
o AS (INSERT INTO outbox_events (event_id, topic, event_key, event_type, subject, payload)
    SELECT gen_random_uuid(), 'call.events.bench', (:call_id)::text, 'call.ended', 'calls/' || (:call_id)::text,
        jsonb_build_object('call', jsonb_build_object('callId', (:call_id)::uuid, 'pad', (:pad)::text))
    WHERE EXISTS (SELECT 1 FROM c))
SELECT count(*) AS won FROM c;
