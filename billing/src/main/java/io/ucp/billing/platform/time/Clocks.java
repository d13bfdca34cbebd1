package io.ucp.billing.platform.time;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The service's one source of the current time. Code that reads the time injects this {@link Clock} instead of
 * calling {@code now()}, so tests can pin or move time and pure cores take it as an argument.
 */
public class Clocks {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
