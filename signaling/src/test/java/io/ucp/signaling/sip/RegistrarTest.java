package io.ucp.signaling.sip;

import static io.ucp.signaling.sip.RawSip.crlf;
import static io.ucp.signaling.sip.RawSip.header;
import static io.ucp.signaling.sip.RawSip.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registrar with sipp as the phone: credentials arrive as identity sends them (device.registered with the HA1
 * sealed under the shared key), digest REGISTER binds, a wrong password gets 401 and repeated failures 403, a nonce
 * cannot be replayed, un-REGISTER, and removing the device or suspending the account drops registrations in 5 s.
 */
@QuarkusTest
class RegistrarTest {

    private static final Pattern NONCE = Pattern.compile("nonce=\"([^\"]+)\"");

    @Inject
    SipDirectory directory;
    @Inject
    RedisDataSource redis;
    @ConfigProperty(name = "ucp.redis.prefix")
    String prefix;



    @BeforeEach
    void clearThrottle() {
        // Every test phone is 127.0.0.1: start each test with that source's failure count at zero.
        redis.key().del(prefix + "sip:fail:127.0.0.1");
    }

    @Test
    void sippRegistersWithTheIssuedCredentialsAndTheDeviceRemovalDropsIt() throws Exception {
        SipFixtures.Phone phone = provision();
        Sipp.run("register.xml", 15071, "-s", phone.username(), "-au", phone.username(), "-ap",
                phone.password(), "-key", "expires", "300").assertPassed();
        List<SipDirectory.Contact> contacts = directory.contacts(phone.deviceId()).await().indefinitely();
        assertThat(contacts).extracting(SipDirectory.Contact::uri)
                .containsExactly("sip:" + phone.username() + "@127.0.0.1:15071;transport=UDP");
        assertThat(contacts.get(0).expiresAtMillis() - System.currentTimeMillis()).isBetween(200_000L, 300_000L);

        publish(phone.accountId(), "device.removed", Map.of("accountId", phone.accountId().toString(),
                "deviceId", phone.deviceId().toString()));
        await().atMost(Duration.ofSeconds(5)).until(() -> directory.contacts(phone.deviceId()).await().indefinitely()
                .isEmpty());
        // Gone for good: the same credentials no longer register.
        Sipp.run("register.xml", 15071, "-s", phone.username(), "-au", phone.username(), "-ap",
                phone.password(), "-key", "expires", "300").assertFailed();
    }

    @Test
    void aWrongPasswordGets401AndRepeatedFailuresAreThrottled() throws Exception {
        SipFixtures.Phone phone = provision();
        Sipp.run("register_refused.xml", 15072, "-s", phone.username(), "-au", phone.username(), "-ap",
                "not-the-password", "-key", "expires", "300").assertPassed();
        // The test profile allows 5 failures per source and window: failures 2-4 are challenged again, the 5th
        // is refused (403), and from then on every REGISTER from that source gets 403 without a challenge.
        for (int i = 0; i < 3; i++) {
            Sipp.run("register_refused.xml", 15072, "-s", phone.username(), "-au", phone.username(),
                    "-ap", "not-the-password", "-key", "expires", "300").assertPassed();
        }
        Sipp.run("register.xml", 15072, "-s", phone.username(), "-au", phone.username(), "-ap",
                "not-the-password", "-key", "expires", "300").assertFailed();
        Sipp.run("register_throttled.xml", 15072, "-s", phone.username()).assertPassed();
        // Throttled means no check at all: even the right password is refused until the window passes.
        Sipp.run("register.xml", 15072, "-s", phone.username(), "-au", phone.username(), "-ap",
                phone.password(), "-key", "expires", "300").assertFailed();
        assertThat(directory.contacts(phone.deviceId()).await().indefinitely()).isEmpty();
    }

    @Test
    void aNonceIsUsedOnceAndUnregisterRemovesContacts() {
        SipFixtures.Phone phone = provision();
        try (RawSip sip = new RawSip()) {
            String uri = "sip:ucp.local";
            String nonce = challenge(sip, phone, "c1");
            String register = register(sip, phone, "c1", 2, nonce, uri, "<sip:" + phone.username() + "@127.0.0.1:"
                    + sip.localPort() + ">;expires=600", null);
            sip.send(register);
            assertThat(status(sip.finalResponse("c1" + phone.deviceId()))).isEqualTo(200);
            // Same nonce again (new transaction): stale, a fresh challenge.
            sip.send(register(sip, phone, "c1", 3, nonce, uri, "<sip:" + phone.username() + "@127.0.0.1:"
                    + sip.localPort() + ">;expires=600", null));
            String replay = sip.finalResponse("c1" + phone.deviceId());
            assertThat(status(replay)).isEqualTo(401);
            assertThat(header(replay, "WWW-Authenticate")).contains("stale=true");

            // A second contact, then both removed with Contact: * and Expires: 0.
            sip.send(register(sip, phone, "c1", 4, challenge(sip, phone, "c1"), uri,
                    "<sip:" + phone.username() + "@127.0.0.1:40000>;expires=600", null));
            assertThat(status(sip.finalResponse("c1" + phone.deviceId()))).isEqualTo(200);
            assertThat(directory.contacts(phone.deviceId()).await().indefinitely()).hasSize(2);
            // Below the minimum: 423 with Min-Expires.
            sip.send(register(sip, phone, "c1", 5, challenge(sip, phone, "c1"), uri,
                    "<sip:" + phone.username() + "@127.0.0.1:40001>;expires=5", null));
            String brief = sip.finalResponse("c1" + phone.deviceId());
            assertThat(status(brief)).isEqualTo(423);
            assertThat(header(brief, "Min-Expires")).isEqualTo("60");
            sip.send(register(sip, phone, "c1", 6, challenge(sip, phone, "c1"), uri, "*", "0"));
            assertThat(status(sip.finalResponse("c1" + phone.deviceId()))).isEqualTo(200);
            assertThat(directory.contacts(phone.deviceId()).await().indefinitely()).isEmpty();
        }
    }

    @Test
    void suspendingTheAccountDropsRegistrationsAndUnknownUsersAreRefused() throws Exception {
        SipFixtures.Phone phone = provision();
        Sipp.run("register.xml", 15073, "-s", phone.username(), "-au", phone.username(), "-ap",
                phone.password(), "-key", "expires", "300").assertPassed();
        assertThat(directory.contacts(phone.deviceId()).await().indefinitely()).hasSize(1);
        publish(phone.accountId(), "account.suspended", Map.of("accountId", phone.accountId().toString()));
        await().atMost(Duration.ofSeconds(5)).until(() -> directory.contacts(phone.deviceId()).await().indefinitely()
                .isEmpty());
        // An unknown user is challenged, then refused like a wrong password.
        Sipp.run("register_refused.xml", 15073, "-s", "sip-nobody", "-au", "sip-nobody", "-ap", "x",
                "-key", "expires", "300").assertPassed();
    }

    @Test
    void aForeignDomainIsNotRegistered() {
        try (RawSip sip = new RawSip()) {
            String callId = "foreign-" + UUID.randomUUID();
            sip.send(sip.options(callId).replace("OPTIONS sip:ucp.local", "REGISTER sip:carrier.example")
                    .replace("CSeq: 1 OPTIONS", "CSeq: 1 REGISTER"));
            assertThat(status(sip.finalResponse(callId))).isEqualTo(403);
        }
    }

    private String challenge(RawSip sip, SipFixtures.Phone phone, String tag) {
        sip.send(register(sip, phone, tag, 1, null, null, "<sip:" + phone.username() + "@127.0.0.1:" + sip.localPort()
                + ">", null));
        String response = sip.finalResponse(tag + phone.deviceId());
        assertThat(status(response)).isEqualTo(401);
        Matcher matcher = NONCE.matcher(header(response, "WWW-Authenticate"));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    /** A REGISTER for the phone; with a nonce it carries the digest answer computed from the password. */
    private static String register(RawSip sip, SipFixtures.Phone phone, String tag, int cseq, String nonce, String uri,
            String contact, String expires) {
        String callId = tag + phone.deviceId();
        StringBuilder message = new StringBuilder("REGISTER sip:ucp.local SIP/2.0\n")
                .append("Via: SIP/2.0/UDP 127.0.0.1:").append(sip.localPort()).append(";rport;branch=z9hG4bK")
                .append(UUID.randomUUID()).append('\n')
                .append("Max-Forwards: 70\nFrom: <sip:").append(phone.username()).append("@ucp.local>;tag=").append(tag)
                .append("\nTo: <sip:").append(phone.username()).append("@ucp.local>\nCall-ID: ").append(callId)
                .append("\nCSeq: ").append(cseq).append(" REGISTER\nContact: ").append(contact).append('\n');
        if (expires != null) {
            message.append("Expires: ").append(expires).append('\n');
        }
        if (nonce != null) {
            String ha1 = DigestNonces.md5(phone.username() + ":ucp.local:" + phone.password());
            String response = DigestNonces.response(ha1, nonce, "00000001", "abc", "REGISTER", uri);
            message.append("Authorization: Digest username=\"").append(phone.username())
                    .append("\",realm=\"ucp.local\",nonce=\"").append(nonce).append("\",uri=\"").append(uri)
                    .append("\",response=\"").append(response)
                    .append("\",algorithm=MD5,qop=auth,nc=00000001,cnonce=\"abc\"\n");
        }
        return crlf(message.append("Content-Length: 0\n\n").toString());
    }

    private SipFixtures.Phone provision() {
        return SipFixtures.provision(directory);
    }

    private void publish(UUID key, String type, Map<String, Object> data) {
        SipFixtures.publish(key, type, data);
    }
}
