package io.ucp.identity.auth;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.config.IdentityConfig;
import io.ucp.identity.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Counts failed logins per email (hashed, whether or not an account has it, so a 429 tells nothing about
 * existence) and per client address, in fixed Redis windows. At the limit, login answers 429 with Retry-After =
 * the window's remaining time, before any password is checked.
 */
@ApplicationScoped
public class LoginRateLimiter {

    private static final String COUNT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return n
            """;

    private final ReactiveRedisDataSource redis;
    private final IdentityConfig.LoginLimit limits;
    private final String prefix;

    public LoginRateLimiter(ReactiveRedisDataSource redis, IdentityConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.redis = redis;
        this.limits = config.loginLimit();
        this.prefix = prefix + "login-failures:";
    }

    /** Fails with 429 when either counter is at its limit. */
    public Uni<Void> check(String email, String address) {
        String accountKey = accountKey(email);
        String addressKey = addressKey(address);
        return redis.value(String.class).mget(accountKey, addressKey).chain(counts -> {
            if (count(counts.get(accountKey)) >= limits.maxFailuresPerAccount()) {
                return refuse(accountKey);
            }
            if (count(counts.get(addressKey)) >= limits.maxFailuresPerAddress()) {
                return refuse(addressKey);
            }
            return Uni.createFrom().voidItem();
        });
    }

    public Uni<Void> recordFailure(String email, String address) {
        String window = Long.toString(limits.window().toMillis());
        return redis.execute("EVAL", COUNT, "1", accountKey(email), window)
                .chain(() -> redis.execute("EVAL", COUNT, "1", addressKey(address), window))
                .replaceWithVoid();
    }

    /** A successful login clears the account's failures (the address keeps its count). */
    public Uni<Void> recordSuccess(String email) {
        return redis.key().del(accountKey(email)).replaceWithVoid();
    }

    private Uni<Void> refuse(String key) {
        return redis.key().pttl(key).chain(ttl -> Uni.createFrom().failure(
                ProblemException.tooManyRequests(Math.max(1, (ttl + 999) / 1000))));
    }

    private static long count(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private String accountKey(String email) {
        return prefix + "account:" + SessionStore.sha256(email.strip().toLowerCase(Locale.ROOT));
    }

    private String addressKey(String address) {
        return prefix + "address:" + (address == null ? "unknown" : address);
    }
}
