#!/usr/bin/env bash
# Creates the four UCP roles and databases (plus each role's *_test database, as the local script does).
# Run by the postgres image's entrypoint from /docker-entrypoint-initdb.d, once, when the data volume is new:
# changing a password afterwards needs ALTER ROLE, or `docker compose down -v` to start from scratch.
# Passwords come from the environment (compose.yaml); the dev default is the role name, as in the local stack.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres \
  -v pw_accounts="${UCP_DB_PASSWORD_IDENTITY:-ucp_accounts}" \
  -v pw_calls="${UCP_DB_PASSWORD_SIGNALING:-ucp_calls}" \
  -v pw_messaging="${UCP_DB_PASSWORD_PRESENCE:-ucp_messaging}" \
  -v pw_cdr="${UCP_DB_PASSWORD_BILLING:-ucp_cdr}" <<'SQL'
-- One role and one database per service; the role owns its database (Flyway creates the tables at start-up).
-- :'var' is psql's quoted-literal interpolation, so a password may contain any character.
CREATE ROLE ucp_accounts  LOGIN PASSWORD :'pw_accounts';
CREATE ROLE ucp_calls     LOGIN PASSWORD :'pw_calls';
CREATE ROLE ucp_messaging LOGIN PASSWORD :'pw_messaging';
CREATE ROLE ucp_cdr       LOGIN PASSWORD :'pw_cdr';

CREATE DATABASE ucp_accounts       OWNER ucp_accounts;
CREATE DATABASE ucp_accounts_test  OWNER ucp_accounts;
CREATE DATABASE ucp_calls          OWNER ucp_calls;
CREATE DATABASE ucp_calls_test     OWNER ucp_calls;
CREATE DATABASE ucp_messaging      OWNER ucp_messaging;
CREATE DATABASE ucp_messaging_test OWNER ucp_messaging;
CREATE DATABASE ucp_cdr            OWNER ucp_cdr;
CREATE DATABASE ucp_cdr_test       OWNER ucp_cdr;

-- No service may use another's database: PUBLIC's default CONNECT privilege is taken away.
REVOKE CONNECT ON DATABASE ucp_accounts, ucp_accounts_test FROM PUBLIC;
REVOKE CONNECT ON DATABASE ucp_calls, ucp_calls_test FROM PUBLIC;
REVOKE CONNECT ON DATABASE ucp_messaging, ucp_messaging_test FROM PUBLIC;
REVOKE CONNECT ON DATABASE ucp_cdr, ucp_cdr_test FROM PUBLIC;
SQL
