package io.ucp.identity.account;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.ucp.identity.auth.SessionStore;
import io.ucp.identity.config.IdentityConfig;
import io.ucp.identity.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sign-up tells a registered email by its 409 (kept: "you already have an account" is worth more than hiding it),
 * so attempts are counted per email (hashed) and per client address in fixed Redis windows, like failed logins:
 * over either limit, sign-up answers 429 with Retry-After before looking at the email.
 */
@ApplicationScoped
public class SignUpRateLimiter {

    /** Counts one attempt on both keys; returns both counts and the remaining window of the first over its limit. */
    private static final String COUNT = """
            local counts = {}
            for i, key in ipairs(KEYS) do
              local n = redis.call('INCR', key)
              if n == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
              counts[i] = n
            end
            return counts
            """;

    private final ReactiveRedisDataSource redis;
    private final IdentityConfig.SignUpLimit limits;
    private final String prefix;

    public SignUpRateLimiter(ReactiveRedisDataSource redis, IdentityConfig config,
            @ConfigProperty(name = "ucp.redis.prefix") String prefix) {
        this.redis = redis;
        this.limits = config.signUpLimit();
        this.prefix = prefix + "sign-up-attempts:";
    }

    /** Counts this attempt; fails with 429 when the email's or the address's attempts exceed their limit. */
    public Uni<Void> attempt(String normalisedEmail, String address) {
        String emailKey = prefix + "email:" + SessionStore.sha256(normalisedEmail);
        String addressKey = prefix + "address:" + (address == null ? "unknown" : address);
        return redis.execute("EVAL", COUNT, "2", emailKey, addressKey, Long.toString(limits.window().toMillis()))
                .chain(reply -> {
                    List<Long> counts = List.of(reply.get(0).toLong(), reply.get(1).toLong());
                    if (counts.get(0) > limits.maxPerEmail()) {
                        return refuse(emailKey);
                    }
                    if (counts.get(1) > limits.maxPerAddress()) {
                        return refuse(addressKey);
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Void> refuse(String key) {
        return redis.key().pttl(key).chain(ttl -> Uni.createFrom().failure(
                ProblemException.tooManyRequests(Math.max(1, (ttl + 999) / 1000))));
    }
}
