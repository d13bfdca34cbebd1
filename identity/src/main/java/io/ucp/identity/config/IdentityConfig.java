package io.ucp.identity.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Identity's own settings (tokens, initial admin, login limits, device cap, SIP realm). */
@ConfigMapping(prefix = "ucp.identity")
public interface IdentityConfig {

    Jwt jwt();

    Admin admin();

    LoginLimit loginLimit();

    SignUpLimit signUpLimit();

    Devices devices();

    /** How long an unused session (and its refresh token) lives; each refresh extends it. */
    @WithDefault("30d")
    Duration refreshTokenTtl();

    /** How long an Idempotency-Key replay is remembered. */
    @WithDefault("24h")
    Duration idempotencyTtl();

    interface Jwt {
        /** PKCS#8 PEM private key (file path or classpath resource) that signs access tokens. */
        String privateKeyLocation();

        /** Public keys of earlier signing keys still accepted during a rotation overlap. */
        Optional<List<String>> previousPublicKeyLocations();

        @WithDefault("https://ucp.local/identity")
        String issuer();

        @WithDefault("ucp")
        String audience();

        /** At most 15 minutes (checked at start-up): revocation caches rely on that bound. */
        @WithDefault("15m")
        Duration accessTokenTtl();
    }

    interface Admin {
        @WithDefault("admin@ucp.local")
        String email();

        /** Empty: no initial admin is created. */
        Optional<String> password();
    }

    interface LoginLimit {
        /** Failed logins for one email within the window before 429. */
        @WithDefault("5")
        int maxFailuresPerAccount();

        /** Failed logins from one client address within the window before 429. */
        @WithDefault("50")
        int maxFailuresPerAddress();

        @WithDefault("15m")
        Duration window();
    }

    /** Sign-up answers 409 for a registered email: attempts are limited so that cannot be used to list emails. */
    interface SignUpLimit {
        /** Sign-up attempts for one email within the window before 429. */
        @WithDefault("5")
        int maxPerEmail();

        /** Sign-up attempts from one client address within the window before 429. */
        @WithDefault("20")
        int maxPerAddress();

        @WithDefault("1h")
        Duration window();
    }

    interface Devices {
        @WithDefault("20")
        int maxPerAccount();

        @WithDefault("ucp.local")
        String sipRealm();
    }
}
