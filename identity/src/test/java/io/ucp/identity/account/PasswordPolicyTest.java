package io.ucp.identity.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ucp.identity.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;

/** The policy on its own: what the outside probe got through, what real passwords look like. */
class PasswordPolicyTest {

    private static final PasswordPolicy POLICY = new PasswordPolicy();
    private static final String EMAIL = "grace.hopper@navy-labs.example";

    private static String refusal(String password, String email) {
        try {
            POLICY.check("password", password, email);
            return null;
        } catch (ProblemException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.errors()).singleElement().satisfies(f -> assertThat(f.field()).isEqualTo("password"));
            return e.errors().get(0).message();
        }
    }

    @Test
    void whatTheProbeGotThroughIsRefused() {
        assertThat(refusal("aaaaaaaaaa", EMAIL)).contains("too easy to guess");
        assertThat(refusal(" ".repeat(10), EMAIL)).isNotNull();
        assertThat(refusal("grace.hopper1", EMAIL)).isNotNull();
        assertThat(refusal("gracehopper1", EMAIL)).isNotNull();
        assertThat(refusal("Correct-Horse\u0000Battery-9", EMAIL)).contains("control characters");
        assertThat(refusal("Correct-Horse\tBattery-9", EMAIL)).contains("control characters");
        assertThat(refusal("Correct-Horse\u007fBattery-9", EMAIL)).contains("control characters");
        assertThat(refusal("Correct-Horse\u0085Battery-9", EMAIL)).contains("control characters");
    }

    @Test
    void commonAndPatternedPasswordsAreRefused() {
        assertThat(refusal("password123", EMAIL)).isNotNull();
        assertThat(refusal("Password1234", EMAIL)).isNotNull();
        assertThat(refusal("qwertyuiop123", EMAIL)).isNotNull();
        assertThat(refusal("1234567890", EMAIL)).isNotNull();
        assertThat(refusal("abcdefghijk", EMAIL)).isNotNull();
        assertThat(refusal("P@ssw0rd2026", EMAIL)).isNotNull();
        assertThat(refusal("iloveyou1234", EMAIL)).isNotNull();
        assertThat(POLICY.isCommon("PASSWORD")).isTrue();
    }

    @Test
    void emailDerivedPasswordsAreRefused() {
        assertThat(refusal(EMAIL, EMAIL)).isNotNull();
        assertThat(refusal("grace.hopper", EMAIL)).isNotNull();
        assertThat(refusal("hopper2026!", EMAIL)).isNotNull();
        assertThat(refusal("navy-labs-2026", EMAIL)).isNotNull();
        assertThat(refusal("Grace.Hopper!", EMAIL)).isNotNull();
    }

    @Test
    void lengthBoundsHold() {
        assertThat(refusal("Xk9#mQ2", EMAIL)).contains("at least 10");
        assertThat(refusal("x".repeat(129), EMAIL)).contains("at most 128");
        assertThat(refusal(null, EMAIL)).contains("at least 10");
    }

    @Test
    void strongPasswordsAndTheTestFixturesPass() {
        for (String ok : new String[] {"Correct-Horse-Battery-9", "Initial-Admin-Pass-2026", "Another-Long-Secret-42",
                "tangerine orbit velvet canyon", "Zq7!vR2#kLp9", "ünïcödé-Pässwörd-Straße-7"}) {
            assertThatCode(() -> POLICY.check("password", ok, "user-" + ok.length() + "@example.test"))
                    .as(ok).doesNotThrowAnyException();
        }
        assertThatCode(() -> POLICY.check("password", "Correct-Horse-Battery-9", null)).doesNotThrowAnyException();
    }

    @Test
    void userInputsAreTheEmailAndItsParts() {
        assertThat(PasswordPolicy.userInputs("Grace.Hopper@Navy-Labs.example"))
                .contains("grace.hopper", "grace", "hopper", "navy-labs", "grace.hopper@navy-labs.example");
        assertThat(PasswordPolicy.userInputs(null)).isEmpty();
        assertThatThrownBy(() -> POLICY.check("newPassword", "aaaaaaaaaa", null))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).errors().get(0).field()).isEqualTo("newPassword"));
    }
}
