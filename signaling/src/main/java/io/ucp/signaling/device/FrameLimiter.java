package io.ucp.signaling.device;

/**
 * A device connection's frame budget: a token bucket (rate and burst) plus a count of refused frames in a row, as
 * presence's feed keeps per session. Frames of one connection may be handled on different threads: synchronized.
 */
final class FrameLimiter {

    private final DeviceChannelConfig config;
    private double tokens;
    private long refilledAt = System.nanoTime();
    private int strikes;

    FrameLimiter(DeviceChannelConfig config) {
        this.config = config;
        this.tokens = config.frameBurst();
    }

    /** False when the device is over its rate. */
    synchronized boolean allow() {
        long now = System.nanoTime();
        tokens = Math.min(config.frameBurst(), tokens + (now - refilledAt) / 1e9 * config.framesPerSecond());
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Counts a refused frame; true when the device has been refused too often in a row. */
    synchronized boolean strike() {
        return ++strikes > config.maxStrikes();
    }

    synchronized void clearStrikes() {
        strikes = 0;
    }
}
