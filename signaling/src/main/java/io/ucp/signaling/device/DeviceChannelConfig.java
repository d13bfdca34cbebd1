package io.ucp.signaling.device;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of one device channel connection (the same policy as presence's feed). */
@ConfigMapping(prefix = "ucp.signaling.device-channel")
public interface DeviceChannelConfig {

    /** Frames per second a device may send (token bucket refill); a frame over the rate gets an error 429. */
    @WithDefault("20")
    int framesPerSecond();

    /** Frames a device may send back to back (the bucket's size). */
    @WithDefault("40")
    int frameBurst();

    /** Refused frames in a row (rate or format) before the connection is closed (1008) as abusive. */
    @WithDefault("50")
    int maxStrikes();
}
