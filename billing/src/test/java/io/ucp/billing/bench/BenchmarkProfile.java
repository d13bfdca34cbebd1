package io.ucp.billing.bench;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The relay stays off during the benchmark: the outbox rows are still written in every CDR transaction (that is
 * measured), but tens of thousands of cdr.rated events must not flood the shared billing.events.test topic, which
 * other test classes read from its beginning.
 */
public class BenchmarkProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("ucp.outbox.relay-enabled", "false");
    }
}
