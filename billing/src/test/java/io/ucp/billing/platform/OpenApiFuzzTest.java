package io.ucp.billing.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;
import io.ucp.billing.support.contract.InvalidRequests;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every operation of billing's own OpenAPI document, fed bad input: never a 5xx, always problem+json. */
@QuarkusTest
class OpenApiFuzzTest {

    @Test
    @InvalidRequests("the fuzz: bad input to every operation is its purpose (its answers are still validated)")
    void noOperationAnswersBadInputWithA5xxOrAnythingButAProblem() throws Exception {
        // Fresh accounts per operation: billing knows accounts only from identity's events, so a new id is a
        // user with nothing yet, as a stranger probing it would be.
        OpenApiFuzz.Result result = OpenApiFuzz.run(new OpenApiFuzz.Tokens(
                () -> TestTokens.user(UUID.randomUUID()), () -> TestTokens.admin(UUID.randomUUID())));
        Log.infof("OpenAPI fuzz: %d operations, %d requests, %d findings", result.operations(), result.requests(),
                result.findings().size());
        assertThat(result.operations()).isGreaterThan(5);
        assertThat(result.findings()).as("answers that are a 5xx, not problem+json, or name no field").isEmpty();
    }

    @Test
    void theFuzzSeesA5xxWhenThereIsOne() throws Exception {
        OpenApiFuzz.Result result = OpenApiFuzz.run(new OpenApiFuzz.Tokens(
                () -> TestTokens.user(UUID.randomUUID()), () -> TestTokens.admin(UUID.randomUUID())),
                OpenApiFuzz.CRASH_PROBE::equals);
        assertThat(result.operations()).isEqualTo(1);
        assertThat(result.findings()).isNotEmpty().allSatisfy(f -> assertThat(f.status()).isEqualTo(500));
    }
}
