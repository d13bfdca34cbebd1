package io.ucp.identity.account;

import io.smallrye.mutiny.Uni;
import io.ucp.identity.auth.SessionStore;
import io.ucp.identity.common.Cursor;
import io.ucp.identity.common.Page;
import io.ucp.identity.platform.outbox.OutboxWriter;
import io.ucp.identity.platform.problem.ProblemException;
import io.ucp.identity.platform.security.RevokedSessions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Accounts and their lifecycle (active → suspended → active, or deleted). Raw SQL on the reactive pool: login and
 * refresh read accounts on every call, and roles are a PostgreSQL array. Each state change writes exactly one
 * identity event to the outbox in the same transaction.
 */
@ApplicationScoped
public class AccountService {

    public static final Set<String> ROLES = Set.of("user", "agent", "admin");

    private final Pool pool;
    private final OutboxWriter outbox;
    private final IdentityEvents events;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final SessionStore sessions;
    private final RevokedSessions revoked;

    public AccountService(Pool pool, OutboxWriter outbox, IdentityEvents events, PasswordHasher hasher,
            PasswordPolicy policy, SessionStore sessions, RevokedSessions revoked) {
        this.pool = pool;
        this.outbox = outbox;
        this.events = events;
        this.hasher = hasher;
        this.policy = policy;
        this.sessions = sessions;
        this.revoked = revoked;
    }

    /** Creates an account with its profile; a taken email (any case) is a 409. */
    public Uni<Account> signUp(String email, String password, String displayName, Set<String> roles) {
        String normalised = Emails.normalise(email);
        policy.check("password", password, normalised);
        return hasher.hash(password).chain(hash -> pool.withTransaction(tx -> tx
                .preparedQuery("SELECT 1 FROM accounts WHERE lower(email) = lower($1)").execute(Tuple.of(normalised))
                .chain(found -> {
                    if (found.size() > 0) {
                        return Uni.createFrom().failure(ProblemException.conflict("This email is already registered"));
                    }
                    return tx.preparedQuery("INSERT INTO accounts (email, password_hash, roles) VALUES ($1, $2, $3) "
                            + "RETURNING " + Account.COLUMNS)
                            .execute(Tuple.of(normalised, hash, roles.toArray(String[]::new)));
                })
                .map(rows -> Account.from(rows.iterator().next()))
                .call(account -> tx.preparedQuery("INSERT INTO user_profiles (account_id, display_name) VALUES ($1, $2)")
                        .execute(Tuple.of(account.id(), displayName == null || displayName.isBlank()
                                ? normalised.substring(0, normalised.indexOf('@')) : displayName.strip())))
                .call(account -> outbox.append(tx, events.accountChanged("account.created", account)))));
    }

    public Uni<Account> find(UUID id) {
        return pool.preparedQuery("SELECT " + Account.COLUMNS + " FROM accounts WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : Account.from(rows.iterator().next()));
    }

    public Uni<Account> findByEmail(String email) {
        return pool.preparedQuery("SELECT " + Account.COLUMNS + " FROM accounts WHERE lower(email) = lower($1)")
                .execute(Tuple.of(Emails.normalise(email)))
                .map(rows -> rows.size() == 0 ? null : Account.from(rows.iterator().next()));
    }

    public Uni<Account> get(UUID id) {
        return find(id).onItem().ifNull().failWith(() -> ProblemException.notFound("Account"));
    }

    /** Admin listing, oldest first, optionally filtered by an email fragment and status. */
    public Uni<Page<AccountView>> list(String query, String status, String cursor, Integer limit) {
        int size = Cursor.limit(limit);
        StringBuilder sql = new StringBuilder("SELECT " + Account.COLUMNS + " FROM accounts WHERE true");
        List<Object> params = new ArrayList<>();
        if (query != null && !query.isBlank()) {
            params.add("%" + likeEscape(query.strip().toLowerCase()) + "%");
            sql.append(" AND lower(email) LIKE $").append(params.size());
        }
        if (status != null && !status.isBlank()) {
            if (!Set.of(Account.ACTIVE, Account.SUSPENDED, Account.DELETED).contains(status)) {
                throw ProblemException.badRequest("status", "must be active, suspended or deleted");
            }
            params.add(status);
            sql.append(" AND status = $").append(params.size());
        }
        if (cursor != null) {
            List<String> after = Cursor.decode(cursor, 2);
            params.add(Cursor.value(after.get(0), OffsetDateTime::parse));
            sql.append(" AND (created_at, id) > ($").append(params.size());
            params.add(Cursor.value(after.get(1), UUID::fromString));
            sql.append(", $").append(params.size()).append(")");
        }
        params.add(size + 1);
        sql.append(" ORDER BY created_at, id LIMIT $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            List<Account> found = new ArrayList<>();
            for (Row row : rows) {
                found.add(Account.from(row));
            }
            String next = null;
            if (found.size() > size) {
                found = found.subList(0, size);
                Account last = found.get(size - 1);
                next = Cursor.encode(last.createdAt().toString(), last.id().toString());
            }
            return new Page<>(found.stream().map(AccountView::of).toList(), next);
        });
    }

    public Uni<Account> suspend(UUID id) {
        return transition(id, "UPDATE accounts SET status = 'suspended', suspended_at = now(), version = version + 1 "
                + "WHERE id = $1 AND status = 'active' RETURNING " + Account.COLUMNS, "account.suspended",
                "Only an active account can be suspended")
                .call(account -> endAllSessions(account.id()));
    }

    public Uni<Account> reactivate(UUID id) {
        return transition(id, "UPDATE accounts SET status = 'active', suspended_at = NULL, version = version + 1 "
                + "WHERE id = $1 AND status = 'suspended' RETURNING " + Account.COLUMNS, "account.reactivated",
                "Only a suspended account can be reactivated")
                .call(account -> revoked.clearAccount(account.id()));
    }

    /** Erases personal data (email, password, profile details, devices, rules) and keeps the id. */
    public Uni<Account> delete(UUID id) {
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE accounts SET status = 'deleted', email = NULL, "
                        + "password_hash = NULL, deleted_at = now(), suspended_at = NULL, version = version + 1 "
                        + "WHERE id = $1 AND status <> 'deleted' RETURNING " + Account.COLUMNS).execute(Tuple.of(id))
                .chain(rows -> rows.size() == 0 ? missingOrConflict(tx, id, "The account is already deleted")
                        : Uni.createFrom().item(Account.from(rows.iterator().next())))
                .call(account -> tx.preparedQuery("UPDATE user_profiles SET display_name = NULL, phone_e164 = NULL, "
                        + "presence_status = 'offline' WHERE account_id = $1").execute(Tuple.of(id)))
                .call(account -> tx.preparedQuery("DELETE FROM user_devices WHERE account_id = $1").execute(Tuple.of(id)))
                .call(account -> tx.preparedQuery("DELETE FROM routing_rules WHERE account_id = $1").execute(Tuple.of(id)))
                .call(account -> tx.preparedQuery("DELETE FROM feature_flags WHERE account_id = $1").execute(Tuple.of(id)))
                .call(account -> outbox.append(tx, events.accountLifecycle("account.deleted", account.id()))))
                .call(account -> endAllSessions(account.id()));
    }

    public Uni<Account> setRoles(UUID id, Set<String> roles) {
        for (String role : roles) {
            if (!ROLES.contains(role)) {
                throw ProblemException.badRequest("roles", "each role must be one of user, agent, admin");
            }
        }
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE accounts SET roles = $2, version = version + 1 "
                        + "WHERE id = $1 AND status <> 'deleted' RETURNING " + Account.COLUMNS)
                .execute(Tuple.of(id, roles.stream().sorted().toArray(String[]::new)))
                .chain(rows -> rows.size() == 0 ? missingOrConflict(tx, id, "A deleted account has no roles")
                        : Uni.createFrom().item(Account.from(rows.iterator().next())))
                .call(account -> outbox.append(tx, events.accountChanged("account.updated", account))));
    }

    /** Changes the caller's password after checking the current one (the resource then ends other sessions). */
    public Uni<Void> changePassword(UUID id, String current, String next) {
        return get(id).chain(account -> {
            policy.check("newPassword", next, account.email());
            return hasher.verify(current, account.passwordHash()).chain(ok -> ok ? hasher.hash(next)
                    : Uni.createFrom().failure(ProblemException.badRequest("currentPassword", "is not correct")));
        }).chain(hash -> pool.preparedQuery("UPDATE accounts SET password_hash = $2, version = version + 1 WHERE id = $1")
                .execute(Tuple.of(id, hash))).replaceWithVoid();
    }

    private Uni<Account> transition(UUID id, String sql, String eventType, String conflict) {
        return pool.withTransaction(tx -> tx.preparedQuery(sql).execute(Tuple.of(id))
                .chain(rows -> rows.size() == 0 ? missingOrConflict(tx, id, conflict)
                        : Uni.createFrom().item(Account.from(rows.iterator().next())))
                .call(account -> outbox.append(tx, events.accountLifecycle(eventType, account.id()))));
    }

    private Uni<Account> missingOrConflict(SqlClient tx, UUID id, String conflict) {
        return tx.preparedQuery("SELECT 1 FROM accounts WHERE id = $1").execute(Tuple.of(id))
                .chain(rows -> Uni.createFrom().failure(rows.size() == 0 ? ProblemException.notFound("Account")
                        : ProblemException.conflict(conflict)));
    }

    /** Refresh tokens die now; access tokens issued until now are refused by every service (account revocation). */
    private Uni<Void> endAllSessions(UUID accountId) {
        return revoked.revokeAccountTokens(accountId, Instant.now())
                .chain(() -> sessions.list(accountId))
                .chain(list -> list.isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(list.stream().map(s -> sessions.delete(accountId, s.id())).toList())
                                .andFailFast().replaceWithVoid());
    }

    static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
