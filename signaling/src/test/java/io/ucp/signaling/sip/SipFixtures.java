package io.ucp.signaling.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;

/** SIP test phones provisioned as identity does it: device.registered with the HA1 sealed under the shared key. */
final class SipFixtures {

    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() * 1000);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final KafkaCompanion KAFKA = new KafkaCompanion("127.0.0.1:9092");

    /** A SIP device of a fresh account, as identity would issue it. */
    record Phone(UUID accountId, UUID deviceId, String username, String password) {
    }

    private SipFixtures() {
    }

    /** What identity does at registration of a SIP device (username, password once, HA1 sealed in the event). */
    static Phone provision(SipDirectory directory) {
        return provision(directory, UUID.randomUUID());
    }

    /** A SIP device of {@code account} (which may have other devices too). */
    static Phone provision(SipDirectory directory, UUID account) {
        Phone phone = publishDevice(account);
        await().atMost(Duration.ofSeconds(30)).until(() -> directory.credential(phone.username()).await().indefinitely()
                != null);
        assertThat(directory.credential(phone.username()).await().indefinitely().ha1())
                .isEqualTo(DigestNonces.md5(phone.username() + ":ucp.local:" + phone.password()));
        return phone;
    }

    /** identity's device.registered for a new SIP device of {@code account}; returns at once. */
    static Phone publishDevice(UUID account) {
        UUID device = UUID.randomUUID();
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        String username = "sip-" + HexFormat.of().formatHex(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "pw";
        String ha1 = DigestNonces.md5(username + ":ucp.local:" + password);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountId", account.toString());
        data.put("deviceId", device.toString());
        data.put("type", "sip");
        data.put("name", "Desk phone");
        data.put("sipUsername", username);
        data.put("sipRealm", "ucp.local");
        data.put("sipHa1Sealed", seal(device, ha1));
        publish(account, "device.registered", data);
        return new Phone(account, device, username, password);
    }

    private static String seal(UUID device, String ha1) {
        try {
            byte[] iv = new byte[12];
            new SecureRandom().nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(ConfigProvider.getConfig().getValue("ucp.sip.credential-key", String.class)), "AES"),
                    new GCMParameterSpec(128, iv));
            cipher.updateAAD(device.toString().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(ha1.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[12 + sealed.length];
            System.arraycopy(iv, 0, out, 0, 12);
            System.arraycopy(sealed, 0, out, 12, sealed.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** identity's profile.updated: the account's phone number (routes inbound calls to it, presented outbound). */
    static void phoneNumber(UUID account, String e164) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountId", account.toString());
        data.put("displayName", "Test user");
        data.put("phoneE164", e164);
        data.put("timeZone", "UTC");
        publish(account, "profile.updated", data);
    }

    static void publish(UUID key, String type, Map<String, Object> data) {
        try {
            Map<String, Object> envelope = Map.of("specversion", "1.0", "id", UUID.randomUUID().toString(),
                    "source", "/ucp/test", "type", type, "time", OffsetDateTime.now().toString(),
                    "sequence", SEQUENCE.incrementAndGet(), "datacontenttype", "application/json", "data", data);
            KAFKA.produceStrings().fromRecords(new ProducerRecord<>("identity.events.test", key.toString(),
                    MAPPER.writeValueAsString(envelope))).awaitCompletion();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
