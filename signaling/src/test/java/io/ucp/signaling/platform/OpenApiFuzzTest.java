package io.ucp.signaling.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.logging.Log;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every operation of signaling's own OpenAPI document, fed bad input: never a 5xx, always problem+json. */
@QuarkusTest
class OpenApiFuzzTest {

    @Test
    void noOperationAnswersBadInputWithA5xxOrAnythingButAProblem() throws Exception {
        // Fresh accounts per operation: signaling knows accounts only from identity's events, so a new id is a
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
