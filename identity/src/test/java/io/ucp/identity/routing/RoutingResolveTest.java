package io.ucp.identity.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.ucp.identity.support.Api;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven resolution through the API: callees in New York (DST starts 2026-03-08), Berlin (DST starts
 * 2026-03-29) and Kolkata (no DST, +05:30); weekdays, overnight windows, caller prefixes and patterns, presence.
 */
@QuarkusTest
class RoutingResolveTest {

    /** Callee name → account, token, rule name → id. */
    private static final Map<String, Callee> CALLEES = new HashMap<>();

    record Callee(UUID id, String token, Map<String, String> ruleIds) {
    }

    @Inject
    Pool pool;

    static Stream<Arguments> table() {
        return Stream.of(
                // callee, instant (UTC), caller, presence, expected matched rules, expected step types
                Arguments.of("ny", "2026-03-06T14:30:00Z", "+12025550111", "available", "work,fallback", "ring,queue"),
                Arguments.of("ny", "2026-03-06T13:30:00Z", "+12025550111", "available", "fallback", "queue"),
                // Same UTC time three days later: after the DST change it is 09:30 local, inside the window.
                Arguments.of("ny", "2026-03-09T13:30:00Z", "+12025550111", "available", "work,fallback", "ring,queue"),
                Arguments.of("ny", "2026-03-09T20:59:00Z", "+12025550111", "available", "work,fallback", "ring,queue"),
                Arguments.of("ny", "2026-03-09T21:00:00Z", "+12025550111", "available", "fallback", "queue"),
                Arguments.of("ny", "2026-03-07T15:00:00Z", "+12025550111", "available", "fallback", "queue"),
                // Tuesday 23:30 local, and Monday 05:30 local (the window that started on Sunday evening).
                Arguments.of("ny", "2026-03-11T03:30:00Z", "+12025550111", "available", "night", "forward"),
                Arguments.of("ny", "2026-03-09T09:30:00Z", "+12025550111", "available", "night", "forward"),
                Arguments.of("ny", "2026-03-06T14:30:00Z", "+12025550111", "dnd", "dnd", "reject"),
                Arguments.of("ny", "2026-03-06T14:30:00Z", "+12025550111", "busy", "work,busy", "ring,forward"),
                Arguments.of("ny", "2026-03-06T14:30:00Z", "+19005551234", "available", "premium", "reject"),
                Arguments.of("ny", "2026-03-06T14:30:00Z", "+493012345678", "available", "berlin-office", "forward"),
                Arguments.of("ny", "2026-03-06T14:30:00Z", "+49301234", "available", "work,fallback", "ring,queue"),
                Arguments.of("ny", "2026-03-06T14:30:00Z", null, "available", "work,fallback", "ring,queue"),
                Arguments.of("berlin", "2026-03-27T07:30:00Z", "+12025550111", "available", "", "ring"),
                Arguments.of("berlin", "2026-03-30T07:30:00Z", "+12025550111", "available", "work", "ring"),
                Arguments.of("berlin", "2026-03-28T09:00:00Z", "+12025550111", "offline", "offline", "forward"),
                Arguments.of("kolkata", "2026-03-06T03:30:00Z", "+919812345678", "available", "work", "ring"),
                Arguments.of("kolkata", "2026-03-06T03:29:00Z", "+919812345678", "available", "", "ring"));
    }

    @ParameterizedTest(name = "{0} at {1} from {2} ({3}) → [{4}]")
    @MethodSource("table")
    void resolvesThePlan(String calleeName, String at, String caller, String presence, String expectedRules,
            String expectedSteps) throws Throwable {
        Callee callee = callee(calleeName);
        setPresence(callee.id(), presence);
        Map<String, Object> request = new HashMap<>();
        request.put("calleeAccountId", callee.id().toString());
        request.put("callerNumber", caller);
        request.put("at", at);
        JsonPath plan = given().auth().oauth2(callee.token()).contentType(ContentType.JSON).body(request)
                .post("/v1/routing/resolve").then().statusCode(200).extract().jsonPath();

        List<String> expectedIds = expectedRules.isEmpty() ? List.of()
                : Stream.of(expectedRules.split(",")).map(callee.ruleIds()::get).toList();
        assertThat(plan.getList("matchedRuleIds", String.class)).containsExactlyElementsOf(expectedIds);
        assertThat(plan.getList("steps.action.type", String.class)).containsExactly(expectedSteps.split(","));
        assertThat(plan.getBoolean("defaultRoute")).isEqualTo(expectedIds.isEmpty());
        assertThat(plan.getString("presence")).isEqualTo(presence);
    }

    private Callee callee(String name) throws Throwable {
        synchronized (CALLEES) {
            Callee existing = CALLEES.get(name);
            if (existing != null) {
                return existing;
            }
            Api.User user = Api.newUser();
            String zone = switch (name) {
                case "ny" -> "America/New_York";
                case "berlin" -> "Europe/Berlin";
                default -> "Asia/Kolkata";
            };
            given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(Map.of("timeZone", zone))
                    .patch("/v1/profiles/me").then().statusCode(200);
            String device = given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON)
                    .body(Map.of("type", "desktop", "name", "Desk")).post("/v1/devices").then().statusCode(201)
                    .extract().path("id");
            Map<String, String> ids = new HashMap<>();
            List<Map<String, Object>> rules = new ArrayList<>();
            List<String> weekdays = List.of("MON", "TUE", "WED", "THU", "FRI");
            if (name.equals("ny")) {
                rules.add(rule("dnd", Map.of("presence", List.of("dnd")), Map.of("type", "reject", "cause", "do-not-disturb")));
                rules.add(rule("premium", Map.of("callerPrefixes", List.of("+1900", "+1976")),
                        Map.of("type", "reject", "cause", "declined")));
                rules.add(rule("berlin-office", Map.of("callerPattern", "+4930XXXXXXXX*"),
                        Map.of("type", "forward", "toNumber", "+49 30 901820")));
                rules.add(rule("work", Map.of("timeWindows", List.of(Map.of("days", weekdays, "start", "09:00", "end", "17:00"))),
                        Map.of("type", "ring", "deviceIds", List.of(device), "timeoutSeconds", 20)));
                rules.add(rule("busy", Map.of("presence", List.of("busy", "on-call")),
                        Map.of("type", "forward", "toNumber", "+12025550100")));
                rules.add(rule("night", Map.of("timeWindows", List.of(Map.of("start", "22:00", "end", "06:00"))),
                        Map.of("type", "forward", "toNumber", "+12025550100")));
                Map<String, Object> disabled = rule("disabled", Map.of(), Map.of("type", "reject", "cause", "busy"));
                disabled.put("enabled", false);
                rules.add(disabled);
                rules.add(rule("fallback", Map.of(), Map.of("type", "queue", "queueId", UUID.randomUUID().toString())));
            } else if (name.equals("berlin")) {
                rules.add(rule("work", Map.of("timeWindows", List.of(Map.of("days", weekdays, "start", "09:00", "end", "17:00"))),
                        Map.of("type", "ring")));
                rules.add(rule("offline", Map.of("presence", List.of("offline")),
                        Map.of("type", "forward", "toAccountId", Api.newUser().id().toString())));
            } else {
                rules.add(rule("work", Map.of("timeWindows", List.of(Map.of("days", weekdays, "start", "09:00", "end", "17:00"))),
                        Map.of("type", "ring", "timeoutSeconds", 45)));
            }
            for (Map<String, Object> rule : rules) {
                String id = given().auth().oauth2(user.accessToken()).contentType(ContentType.JSON).body(rule)
                        .post("/v1/routing/rules").then().statusCode(201).extract().path("id");
                ids.put((String) rule.get("name"), id);
            }
            Callee created = new Callee(user.id(), user.accessToken(), ids);
            CALLEES.put(name, created);
            return created;
        }
    }

    private static Map<String, Object> rule(String name, Map<String, Object> conditions, Map<String, Object> action) {
        Map<String, Object> rule = new HashMap<>();
        rule.put("name", name);
        rule.put("conditions", conditions);
        rule.put("action", action);
        return rule;
    }

    /** The presence mirror is tested on its own (ProfileTest); here the table sets the mirrored value directly. */
    private void setPresence(UUID account, String presence) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> pool.preparedQuery(
                "UPDATE user_profiles SET presence_status = $2 WHERE account_id = $1").execute(Tuple.of(account, presence)));
    }
}
