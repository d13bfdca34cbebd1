package io.ucp.signaling.routing;

import static io.ucp.signaling.routing.IdentityRules.forwardTo;
import static io.ucp.signaling.routing.IdentityRules.forwardToNumber;
import static io.ucp.signaling.routing.IdentityRules.json;
import static io.ucp.signaling.routing.IdentityRules.none;
import static io.ucp.signaling.routing.IdentityRules.pattern;
import static io.ucp.signaling.routing.IdentityRules.prefixes;
import static io.ucp.signaling.routing.IdentityRules.presence;
import static io.ucp.signaling.routing.IdentityRules.queue;
import static io.ucp.signaling.routing.IdentityRules.reject;
import static io.ucp.signaling.routing.IdentityRules.ring;
import static io.ucp.signaling.routing.IdentityRules.rule;
import static io.ucp.signaling.routing.IdentityRules.windows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ucp.signaling.routing.IdentityRules.RuleConditions;
import io.ucp.signaling.routing.IdentityRules.TimeWindow;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** RuleReader over rules in identity's exact shape, with identity's resolve semantics. */
class RuleReaderTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final List<String> WEEKDAYS = List.of("MON", "TUE", "WED", "THU", "FRI");

    /** The plan's first step for a rule with these conditions (a reject), or the default ring-all. */
    private static String first(RuleConditions conditions, Instant at, ZoneId zone, String caller, String presence) {
        JsonNode rules = json(List.of(rule(UUID.randomUUID(), 0, conditions, reject("declined"))));
        return RuleReader.plan(rules, caller, at, zone, presence, 30).get(0).type();
    }

    private static boolean matches(RuleConditions conditions, Instant at, ZoneId zone) {
        return Step.REJECT.equals(first(conditions, at, zone, "+4930123456", "available"));
    }

    private static boolean callerMatches(RuleConditions conditions, String caller) {
        return Step.REJECT.equals(first(conditions, Instant.parse("2026-06-01T10:00:00Z"), ZoneOffset.UTC, caller,
                "available"));
    }

    @Test
    void officeHoursFollowTheCalleesZoneAcrossTheSpringDstChange() {
        RuleConditions office = windows(new TimeWindow(WEEKDAYS, "09:00", "17:00"));
        // Friday 27 March 2026, Berlin on CET (UTC+1): 08:30Z = 09:30 local.
        assertThat(matches(office, Instant.parse("2026-03-27T08:30:00Z"), BERLIN)).isTrue();
        assertThat(matches(office, Instant.parse("2026-03-27T07:30:00Z"), BERLIN)).isFalse();
        // Monday 30 March 2026, after the change to CEST (UTC+2): a fixed +1 offset would get both of these wrong.
        assertThat(matches(office, Instant.parse("2026-03-30T07:15:00Z"), BERLIN)).isTrue();
        assertThat(matches(office, Instant.parse("2026-03-30T15:30:00Z"), BERLIN)).isFalse();
        assertThat(matches(office, Instant.parse("2026-03-30T14:59:00Z"), BERLIN)).isTrue();
        // The same instant is outside the window in another callee's zone (New York: 03:15 local).
        assertThat(matches(office, Instant.parse("2026-03-30T07:15:00Z"), NEW_YORK)).isFalse();
    }

    @Test
    void officeHoursFollowTheCalleesZoneAcrossTheAutumnDstChange() {
        RuleConditions office = windows(new TimeWindow(WEEKDAYS, "09:00", "17:00"));
        // Friday 23 October 2026 on CEST: 07:30Z = 09:30; Monday 26 October on CET: 07:30Z = 08:30, 08:30Z = 09:30.
        assertThat(matches(office, Instant.parse("2026-10-23T07:30:00Z"), BERLIN)).isTrue();
        assertThat(matches(office, Instant.parse("2026-10-26T07:30:00Z"), BERLIN)).isFalse();
        assertThat(matches(office, Instant.parse("2026-10-26T08:30:00Z"), BERLIN)).isTrue();
    }

    @Test
    void weekdaysAreTheCalleesLocalDays() {
        RuleConditions weekend = windows(new TimeWindow(List.of("SAT", "SUN"), "00:00", "23:59"));
        // Friday 23:30Z is already Saturday 01:30 in Berlin (CEST), still Friday in UTC.
        Instant fridayNight = Instant.parse("2026-06-05T23:30:00Z");
        assertThat(matches(weekend, fridayNight, BERLIN)).isTrue();
        assertThat(matches(weekend, fridayNight, ZoneOffset.UTC)).isFalse();
        // No days = every day.
        assertThat(matches(windows(new TimeWindow(null, "01:00", "02:00")), fridayNight, BERLIN)).isTrue();
        // Any one window is enough.
        assertThat(matches(windows(new TimeWindow(List.of("MON"), "09:00", "10:00"),
                new TimeWindow(List.of("SAT"), "01:00", "02:00")), fridayNight, BERLIN)).isTrue();
        // End is exclusive.
        assertThat(matches(windows(new TimeWindow(null, "00:00", "01:30")), fridayNight, BERLIN)).isFalse();
    }

    @Test
    void anOvernightWindowBelongsToTheDayItStarts() {
        RuleConditions fridayNight = windows(new TimeWindow(List.of("FRI"), "22:00", "06:00"));
        assertThat(matches(fridayNight, Instant.parse("2026-06-05T20:30:00Z"), BERLIN)).isTrue(); // Fri 22:30
        assertThat(matches(fridayNight, Instant.parse("2026-06-06T03:00:00Z"), BERLIN)).isTrue(); // Sat 05:00
        assertThat(matches(fridayNight, Instant.parse("2026-06-06T04:30:00Z"), BERLIN)).isFalse(); // Sat 06:30
        assertThat(matches(fridayNight, Instant.parse("2026-06-06T20:30:00Z"), BERLIN)).isFalse(); // Sat 22:30
        assertThat(matches(fridayNight, Instant.parse("2026-06-04T03:00:00Z"), BERLIN)).isFalse(); // Thu 05:00
        // Across the spring change (Sat 28 → Sun 29 March 2026): 05:30 CEST is 03:30Z, 06:30 CEST is 04:30Z.
        RuleConditions saturdayNight = windows(new TimeWindow(List.of("SAT"), "22:00", "06:00"));
        assertThat(matches(saturdayNight, Instant.parse("2026-03-29T03:30:00Z"), BERLIN)).isTrue();
        assertThat(matches(saturdayNight, Instant.parse("2026-03-29T04:30:00Z"), BERLIN)).isFalse();
    }

    @Test
    void callerPrefixesAndPatternsReadTheCallersNumber() {
        assertThat(callerMatches(prefixes("+4930", "+4989"), "+498912345")).isTrue();
        assertThat(callerMatches(prefixes("+4930"), "+4940123")).isFalse();
        assertThat(callerMatches(prefixes("+4930"), null)).isFalse();
        // X = any one digit; the lengths must agree unless the pattern ends in *.
        assertThat(callerMatches(pattern("+4930XXXX"), "+49301234")).isTrue();
        assertThat(callerMatches(pattern("+4930XXXX"), "+493012345")).isFalse();
        assertThat(callerMatches(pattern("+4930XXXX"), "+4930123")).isFalse();
        assertThat(callerMatches(pattern("+4930X*"), "+49301234567")).isTrue();
        assertThat(callerMatches(pattern("+4930X*"), "+4931")).isFalse();
        assertThat(callerMatches(pattern("0X0*"), "0A0")).isFalse();
        assertThat(callerMatches(pattern("+49*"), null)).isFalse();
    }

    @Test
    void presenceIsTheCalleesCurrentState() {
        Instant at = Instant.parse("2026-06-01T10:00:00Z");
        RuleConditions dnd = presence("dnd", "busy");
        assertThat(first(dnd, at, BERLIN, null, "dnd")).isEqualTo(Step.REJECT);
        assertThat(first(dnd, at, BERLIN, null, "busy")).isEqualTo(Step.REJECT);
        assertThat(first(dnd, at, BERLIN, null, "available")).isEqualTo(Step.RING);
        assertThat(first(dnd, at, BERLIN, null, "offline")).isEqualTo(Step.RING);
    }

    @Test
    void everyPresentConditionMustHold() {
        Instant mondayMorning = Instant.parse("2026-06-01T08:00:00Z"); // 10:00 in Berlin
        RuleConditions all = new RuleConditions(List.of(new TimeWindow(WEEKDAYS, "09:00", "17:00")),
                List.of("+4930"), "+4930X*", List.of("available"));
        assertThat(first(all, mondayMorning, BERLIN, "+49301", "available")).isEqualTo(Step.REJECT);
        assertThat(first(all, mondayMorning, BERLIN, "+49301", "away")).isEqualTo(Step.RING);
        assertThat(first(all, mondayMorning, BERLIN, "+49891", "available")).isEqualTo(Step.RING);
        assertThat(first(all, mondayMorning, NEW_YORK, "+49301", "available")).isEqualTo(Step.RING);
        assertThat(first(none(), mondayMorning, BERLIN, null, "offline")).isEqualTo(Step.REJECT);
    }

    @Test
    void aConditionThisReaderDoesNotKnowNeverMatches() {
        JsonNode rules = json(List.of(rule(UUID.randomUUID(), 0, none(), reject("busy"))));
        ((ObjectNode) rules.get(0).get("conditions")).put("moonPhase", "full");
        assertThat(RuleReader.plan(rules, "+4930", Instant.now(), BERLIN, "available", 30))
                .extracting(Step::type).containsExactly(Step.RING);
        // A known condition it cannot read does not match either.
        JsonNode broken = json(List.of(rule(UUID.randomUUID(), 0, none(), reject("busy"))));
        ((ObjectNode) broken.get(0).get("conditions")).putArray("timeWindows").addObject().put("start", "9am")
                .put("end", "17:00");
        assertThat(RuleReader.plan(broken, "+4930", Instant.now(), BERLIN, "available", 30))
                .extracting(Step::type).containsExactly(Step.RING);
    }

    @Test
    void rulesAreCollectedInOrderUpToTheFirstThatEndsRouting() {
        UUID ringRule = UUID.randomUUID();
        UUID forwardRule = UUID.randomUUID();
        UUID carol = UUID.randomUUID();
        UUID device = UUID.randomUUID();
        JsonNode rules = json(List.of(
                rule(UUID.randomUUID(), 3, none(), reject("busy")),
                rule(forwardRule, 2, none(), forwardTo(carol)),
                rule(UUID.randomUUID(), 1, presence("dnd"), reject("do-not-disturb")),
                rule(ringRule, 0, none(), ring(20, device))));
        List<Step> plan = RuleReader.plan(rules, null, Instant.now(), BERLIN, "available", 30);
        assertThat(plan).extracting(Step::ruleId).containsExactly(ringRule, forwardRule);
        assertThat(plan.get(0).deviceIds()).containsExactly(device);
        assertThat(plan.get(0).timeoutSeconds()).isEqualTo(20);
        assertThat(plan.get(1).toAccountId()).isEqualTo(carol);
        assertThat(plan.get(1).timeoutSeconds()).isEqualTo(30);

        JsonNode disabled = json(List.of(rule(UUID.randomUUID(), 0, none(), reject("busy"))));
        ((ObjectNode) disabled.get(0)).put("enabled", false);
        assertThat(RuleReader.plan(disabled, null, Instant.now(), BERLIN, "available", 30))
                .containsExactly(Step.ringAll(30));
    }

    @Test
    void actionsCarryIdentitysFields() {
        UUID queueId = UUID.randomUUID();
        Step toNumber = RuleReader.plan(json(List.of(rule(UUID.randomUUID(), 0, none(),
                forwardToNumber("+4930123456")))), null, Instant.now(), BERLIN, "available", 30).get(0);
        assertThat(toNumber.type()).isEqualTo(Step.FORWARD);
        assertThat(toNumber.toNumber()).isEqualTo("+4930123456");
        assertThat(toNumber.toAccountId()).isNull();
        Step queued = RuleReader.plan(json(List.of(rule(UUID.randomUUID(), 0, none(), queue(queueId)))), null,
                Instant.now(), BERLIN, "available", 30).get(0);
        assertThat(queued.queueId()).isEqualTo(queueId);
        Step rejected = RuleReader.plan(json(List.of(rule(UUID.randomUUID(), 0, none(), reject("do-not-disturb")))),
                null, Instant.now(), BERLIN, "available", 30).get(0);
        assertThat(rejected.cause()).isEqualTo("do-not-disturb");
    }

    @Test
    void theEngineEndsAForwardToANumberWithItsReasonAndMapsRejectCauses() {
        OffsetDateTime now = OffsetDateTime.now();
        List<Step> toNumber = RuleReader.plan(json(List.of(rule(UUID.randomUUID(), 0, none(), ring(10)),
                rule(UUID.randomUUID(), 1, none(), forwardToNumber("+4930123456")))), null, now.toInstant(), BERLIN,
                "available", 30);
        RoutingEngine.Outcome out = RoutingEngine.run(toNumber, 1, UUID.randomUUID(), account -> List.of(), now);
        assertThat(out.endCause()).isEqualTo("failed");
        assertThat(out.attempts()).extracting(Attempt::targetType).containsExactly("devices", "number");
        assertThat(out.attempts().get(1).target()).containsEntry("number", "+4930123456");
        assertThat(out.attempts().get(1).reason()).contains("outside number");

        RoutingEngine.Outcome busy = RoutingEngine.run(List.of(new Step(null, 0, Step.REJECT, null, null, null, null,
                null, "busy")), 1, UUID.randomUUID(), account -> List.of(), now);
        assertThat(busy.endCause()).isEqualTo("busy");
        RoutingEngine.Outcome declined = RoutingEngine.run(List.of(new Step(null, 0, Step.REJECT, null, null, null,
                null, null, "declined")), 1, UUID.randomUUID(), account -> List.of(), now);
        assertThat(declined.endCause()).isEqualTo("rejected");
        assertThat(declined.attempts().get(0).reason()).contains("declined");
    }
}
