package io.ucp.signaling.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class DialPlanTest {

    @Test
    void anE164NumberIsANumberAndDoubleZeroStandsForPlus() {
        assertThat(DialPlan.parse("+4930123456")).isEqualTo(new DialPlan.Target(null, "+4930123456", null));
        assertThat(DialPlan.parse("004930123456")).isEqualTo(new DialPlan.Target(null, "+4930123456", null));
    }

    @Test
    void anAccountIdIsAUserAndQueueDashIdIsAQueue() {
        UUID id = UUID.randomUUID();
        assertThat(DialPlan.parse(id.toString())).isEqualTo(new DialPlan.Target(id, null, null));
        assertThat(DialPlan.parse(id.toString().toUpperCase())).isEqualTo(new DialPlan.Target(id, null, null));
        assertThat(DialPlan.parse("queue-" + id)).isEqualTo(new DialPlan.Target(null, null, id));
    }

    @Test
    void anythingElseAddressesNothing() {
        assertThat(DialPlan.parse(null)).isNull();
        assertThat(DialPlan.parse("")).isNull();
        assertThat(DialPlan.parse("alice")).isNull();
        assertThat(DialPlan.parse("+0123456789")).as("E.164 has no leading zero").isNull();
        assertThat(DialPlan.parse("+12345")).as("too short").isNull();
        assertThat(DialPlan.parse("queue-")).isNull();
        assertThat(DialPlan.parse("queue-not-a-uuid")).isNull();
        assertThat(DialPlan.parse("1-2-3-4-5")).as("UUID.fromString is lenient; we are not").isNull();
        assertThat(DialPlan.parse("x".repeat(100))).isNull();
    }

    @Test
    void endCausesMapToTheSipFinalResponsesPhonesExpect() {
        assertThat(PhoneCalls.finalFor("busy")).isEqualTo(486);
        assertThat(PhoneCalls.finalFor("rejected")).isEqualTo(603);
        assertThat(PhoneCalls.finalFor("no-answer")).isEqualTo(480);
        assertThat(PhoneCalls.finalFor("cancelled")).isEqualTo(487);
        assertThat(PhoneCalls.finalFor("insufficient-funds")).isEqualTo(402);
        assertThat(PhoneCalls.finalFor(null)).isEqualTo(480);
        assertThat(PhoneCalls.sipStatus(422)).isEqualTo(403);
        assertThat(PhoneCalls.sipStatus(404)).isEqualTo(404);
        assertThat(PhoneCalls.sipStatus(429)).isEqualTo(503);
    }
}
