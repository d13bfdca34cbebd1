package io.ucp.presence.platform.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "ucp.security")
public interface SecurityConfig {

    /** Longest lifetime of an access token: a revocation is remembered this long, then the token has expired. */
    @WithDefault("15m")
    Duration accessTokenTtl();
}
