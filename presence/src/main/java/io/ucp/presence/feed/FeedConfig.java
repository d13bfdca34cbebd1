package io.ucp.presence.feed;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "ucp.feed")
public interface FeedConfig {

    /** Frames kept per feed session for resume (the window is this many frames AND {@link #replayWindow()}). */
    @WithDefault("1000")
    int replayFrames();

    /** How long frames are kept, and how long a dropped session waits for its client to resume. */
    @WithDefault("2m")
    Duration replayWindow();

    /**
     * Slow-consumer policy: frames written but not yet flushed to one client. Past this the connection is closed
     * (1013, "slow consumer"); its session stays resumable, so a client that catches up loses nothing.
     */
    @WithDefault("256")
    int maxPendingFrames();

    /** Client frames per second allowed (token bucket refill) and burst. */
    @WithDefault("20")
    int clientFramesPerSecond();

    @WithDefault("40")
    int clientFrameBurst();

    /** Refused frames in a row (rate or format) before the connection is closed as abusive. */
    @WithDefault("50")
    int maxStrikes();

    /**
     * Open feed connections one account may hold, across all instances; the next upgrade is refused with 429
     * (a problem+json body) until one closes.
     */
    @WithDefault("20")
    int maxConnectionsPerAccount();

    /** Largest client frame, in characters; a bigger one closes the connection with 1009. */
    @WithDefault("8192")
    int maxClientFrameChars();

    /** Most watched users in the snapshot and conversations with unread counts. */
    @WithDefault("5000")
    int snapshotLimit();

    /** Fixed instance id (consumer group suffix); a random one per start when empty. */
    java.util.Optional<String> instanceId();

    /** How often device liveness of open feeds is refreshed and expired sessions are dropped. */
    @WithDefault("10s")
    Duration housekeepingInterval();
}
