package io.ucp.identity.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucp.identity.platform.problem.ProblemException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Caller patterns and prefixes as the README writes them ({@code 1555XXX*}) against E.164 caller numbers, from the
 * vectors signaling's RuleReader is tested with too: resolve's preview and signaling's routing agree.
 */
class CallerNumbersTest {

    private static final String VECTORS = "routing/caller-vectors.json";
    private static final RuleAction REJECT = new RuleAction("reject", null, null, null, null, null, "declined");

    private static JsonNode vectors() throws Exception {
        try (InputStream in = CallerNumbersTest.class.getClassLoader().getResourceAsStream(VECTORS)) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void bothModulesReadTheSameVectors() throws Exception {
        Path mine = Path.of("src/test/resources", VECTORS);
        Path signalings = Path.of("../signaling/src/test/resources", VECTORS);
        if (Files.exists(signalings)) {
            assertThat(Files.readString(mine)).isEqualTo(Files.readString(signalings));
        }
    }

    @Test
    void patternsAndPrefixesAreValidatedAndStoredInE164Form() throws Exception {
        for (JsonNode v : vectors().path("patterns")) {
            RuleConditions written = new RuleConditions(null, null, v.path("written").asText(), null);
            if (v.path("stored").isNull()) {
                assertThatThrownBy(() -> RuleValidator.validate(written, REJECT)).as(v.toString())
                        .isInstanceOf(ProblemException.class);
            } else {
                RuleValidator.validate(written, REJECT);
                assertThat(RuleValidator.canonical(written).callerPattern()).as(v.toString())
                        .isEqualTo(v.path("stored").asText());
            }
        }
        for (JsonNode v : vectors().path("prefixes")) {
            RuleConditions written = new RuleConditions(null, List.of(v.path("written").asText()), null, null);
            if (v.path("stored").isNull()) {
                assertThatThrownBy(() -> RuleValidator.validate(written, REJECT)).as(v.toString())
                        .isInstanceOf(ProblemException.class);
            } else {
                RuleValidator.validate(written, REJECT);
                assertThat(RuleValidator.canonical(written).callerPrefixes()).as(v.toString())
                        .containsExactly(v.path("stored").asText());
            }
        }
    }

    @Test
    void resolveMatchesCallersAsSignalingDoes() throws Exception {
        Instant at = Instant.parse("2026-06-01T10:00:00Z");
        for (JsonNode v : vectors().path("matches")) {
            RuleConditions c = new RuleConditions(null, null, v.path("pattern").asText(), null);
            assertThat(RuleMatcher.matches(c, at, ZoneOffset.UTC, v.path("number").asText(), "available"))
                    .as(v.toString()).isEqualTo(v.path("match").asBoolean());
        }
        for (JsonNode v : vectors().path("prefixMatches")) {
            RuleConditions c = new RuleConditions(null, List.of(v.path("prefix").asText()), null, null);
            assertThat(RuleMatcher.matches(c, at, ZoneOffset.UTC, v.path("number").asText(), "available"))
                    .as(v.toString()).isEqualTo(v.path("match").asBoolean());
        }
    }
}
