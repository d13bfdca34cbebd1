package io.ucp.identity.auth;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.account.Account;
import io.ucp.identity.account.AccountService;
import io.ucp.identity.account.IdentityEvents;
import io.ucp.identity.account.PasswordHasher;
import io.ucp.identity.config.IdentityConfig;
import io.ucp.identity.platform.outbox.OutboxWriter;
import io.ucp.identity.platform.problem.ProblemException;
import io.ucp.identity.platform.security.RevokedSessions;
import io.ucp.identity.token.TokenIssuer;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Login, refresh-token rotation with reuse detection, logout and session management. */
@ApplicationScoped
public class AuthService {

    private static final String BAD_CREDENTIALS = "The email or password is incorrect";

    private final AccountService accounts;
    private final PasswordHasher hasher;
    private final LoginRateLimiter limiter;
    private final SessionStore sessions;
    private final TokenIssuer tokens;
    private final RevokedSessions revoked;
    private final Pool pool;
    private final OutboxWriter outbox;
    private final IdentityEvents events;
    private final IdentityConfig config;

    public AuthService(AccountService accounts, PasswordHasher hasher, LoginRateLimiter limiter, SessionStore sessions,
            TokenIssuer tokens, RevokedSessions revoked, Pool pool, OutboxWriter outbox, IdentityEvents events,
            IdentityConfig config) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.limiter = limiter;
        this.sessions = sessions;
        this.tokens = tokens;
        this.revoked = revoked;
        this.pool = pool;
        this.outbox = outbox;
        this.events = events;
        this.config = config;
    }

    public record Tokens(String accessToken, @Schema(enumeration = "Bearer") String tokenType, long expiresIn,
            String refreshToken,
            long refreshExpiresIn, String sessionId, UUID accountId) {
    }

    public Uni<Tokens> login(String email, String password, String userAgent, String address) {
        return limiter.check(email, address)
                .chain(() -> accounts.findByEmail(email))
                .chain(account -> hasher.verify(password, account == null ? null : account.passwordHash())
                        .chain(ok -> {
                            if (!ok) {
                                return limiter.recordFailure(email, address).chain(() -> Uni.createFrom()
                                        .failure(ProblemException.unauthorized(BAD_CREDENTIALS)));
                            }
                            if (!account.active()) {
                                // Only someone who knows the password learns that the account is suspended.
                                return Uni.createFrom().failure(ProblemException.forbidden("This account is "
            + "suspended"));
                            }
                            return limiter.recordSuccess(email)
                                    .chain(() -> sessions.create(account.id(), userAgent, address))
                                    .map(issued -> tokensFor(account, issued.session().id(), issued.refreshToken()));
                        }));
    }

    public Uni<Tokens> refresh(String refreshToken) {
        int dot = refreshToken.indexOf('.');
        if (dot <= 0 || dot == refreshToken.length() - 1) {
            return Uni.createFrom().failure(invalidRefresh());
        }
        String sessionId = refreshToken.substring(0, dot);
        String secret = refreshToken.substring(dot + 1);
        return sessions.find(sessionId).chain(session -> {
            if (session == null) {
                return Uni.createFrom().failure(invalidRefresh());
            }
            return sessions.rotate(session.accountId(), sessionId, secret).chain(result -> switch (result.outcome()) {
                case ROTATED -> accounts.find(session.accountId()).chain(account -> {
                    if (account == null || !account.active()) {
                        return endSession(session.accountId(), sessionId, "account-inactive")
                                .chain(() -> Uni.createFrom().failure(invalidRefresh()));
                    }
                    return Uni.createFrom().item(tokensFor(account, sessionId, result.refreshToken()));
                });
                case REUSED -> {
                    // A stolen token or a replay: the whole family (the session) ends, for thief and owner alike.
                    Log.warnf("Refresh token reuse detected on session %s of account %s; session revoked",
                            sessionId, session.accountId());
                    yield endSession(session.accountId(), sessionId, "refresh-token-reuse")
                            .chain(() -> Uni.createFrom().failure(invalidRefresh()));
                }
                case UNKNOWN -> Uni.createFrom().failure(invalidRefresh());
            });
        });
    }

    public Uni<List<SessionStore.Session>> sessions(UUID accountId) {
        return sessions.list(accountId);
    }

    /** Ends one of the account's sessions; another account's (or an unknown) session is a 404. */
    public Uni<Void> revoke(UUID accountId, String sessionId) {
        return sessions.find(sessionId).chain(session -> session == null || !session.accountId().equals(accountId)
                ? Uni.createFrom().failure(ProblemException.notFound("Session"))
                : endSession(accountId, sessionId, "revoked"));
    }

    public Uni<Void> revokeAll(UUID accountId) {
        return revokeAllExcept(accountId, null, "revoked");
    }

    /** Ends every session of the account but {@code keep} (null: all of them). */
    public Uni<Void> revokeAllExcept(UUID accountId, String keep, String reason) {
        return sessions.list(accountId).chain(list -> {
            List<Uni<Void>> ends = list.stream().filter(s -> !s.id().equals(keep))
                    .map(s -> endSession(accountId, s.id(), reason)).toList();
            return ends.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(ends).andFailFast().replaceWithVoid();
        });
    }

    /**
     * The session.revoked event is committed first (every service then refuses the session's access tokens), then
     * identity's own Redis state follows at once, so identity refuses the token immediately.
     */
    public Uni<Void> endSession(UUID accountId, String sessionId, String reason) {
        return pool.withTransaction(tx -> outbox.append(tx, events.sessionRevoked(accountId, sessionId, reason)))
                .chain(() -> revoked.revokeSession(sessionId, Instant.now()))
                .chain(() -> sessions.delete(accountId, sessionId))
                .replaceWithVoid();
    }

    private Tokens tokensFor(Account account, String sessionId, String refreshToken) {
        TokenIssuer.AccessToken access = tokens.issue(account.id(), account.roles(), sessionId);
        return new Tokens(access.token(), "Bearer", tokens.ttlSeconds(), refreshToken,
                config.refreshTokenTtl().toSeconds(), sessionId, account.id());
    }

    private static ProblemException invalidRefresh() {
        return ProblemException.unauthorized("The refresh token is invalid, expired or already used");
    }
}
