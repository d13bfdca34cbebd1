package io.ucp.signaling.routing;

import static io.ucp.signaling.routing.IdentityRules.json;
import static io.ucp.signaling.routing.IdentityRules.pattern;
import static io.ucp.signaling.routing.IdentityRules.prefixes;
import static io.ucp.signaling.routing.IdentityRules.reject;
import static io.ucp.signaling.routing.IdentityRules.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucp.signaling.routing.IdentityRules.RuleConditions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * RuleReader's caller conditions against the vectors identity's resolve is tested with (identity's
 * routing.CallerNumbersTest): the same pattern matches the same numbers in the preview and in a real call.
 */
class CallerNumbersTest {

    private static final String VECTORS = "routing/caller-vectors.json";

    private static JsonNode vectors() throws Exception {
        try (InputStream in = CallerNumbersTest.class.getClassLoader().getResourceAsStream(VECTORS)) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static boolean rejects(RuleConditions conditions, String caller) {
        JsonNode rules = json(List.of(rule(UUID.randomUUID(), 0, conditions, reject("declined"))));
        return Step.REJECT.equals(RuleReader.plan(rules, caller, Instant.parse("2026-06-01T10:00:00Z"),
                ZoneOffset.UTC, "available", 30).get(0).type());
    }

    @Test
    void bothModulesReadTheSameVectors() throws Exception {
        Path mine = Path.of("src/test/resources", VECTORS);
        Path identitys = Path.of("../identity/src/test/resources", VECTORS);
        if (Files.exists(identitys)) {
            assertThat(Files.readString(mine)).isEqualTo(Files.readString(identitys));
        }
    }

    @Test
    void callerPatternsMatchAsIdentitysResolveDoes() throws Exception {
        for (JsonNode v : vectors().path("matches")) {
            assertThat(rejects(pattern(v.path("pattern").asText()), v.path("number").asText()))
                    .as(v.toString()).isEqualTo(v.path("match").asBoolean());
        }
        for (JsonNode v : vectors().path("prefixMatches")) {
            assertThat(rejects(prefixes(v.path("prefix").asText()), v.path("number").asText()))
                    .as(v.toString()).isEqualTo(v.path("match").asBoolean());
        }
    }

    @Test
    void identitysStoredFormIsReadTheSame() throws Exception {
        // A rule saved before identity stored patterns in E.164 form ("1555XXX*") matches like its stored form.
        for (JsonNode v : vectors().path("patterns")) {
            if (!v.path("stored").isNull()) {
                assertThat(CallerNumbers.pattern(v.path("written").asText())).as(v.toString())
                        .isEqualTo(v.path("stored").asText());
            }
        }
    }
}
