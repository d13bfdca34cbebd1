package io.ucp.signaling.sip;

import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens the HA1 identity seals into {@code device.registered} (identity's {@code SipCredentialSeal}): AES-256-GCM
 * under {@code ucp.sip.credential-key}, the device id as associated data, base64url(IV ‖ ciphertext ‖ tag).
 */
@ApplicationScoped
public class SipCredentialSeal {

    @ConfigMapping(prefix = "ucp.sip")
    public interface Config {
        /** base64 of 32 bytes, shared with identity only. */
        String credentialKey();
    }

    private final SecretKeySpec key;

    public SipCredentialSeal(Config config) {
        byte[] raw = Base64.getDecoder().decode(config.credentialKey());
        if (raw.length != 32) {
            throw new IllegalStateException("ucp.sip.credential-key must be 32 bytes (base64)");
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    /** The HA1; throws IllegalArgumentException when the seal is not ours or not for this device. */
    public String open(UUID deviceId, String sealed) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, 12));
            cipher.updateAAD(deviceId.toString().getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(raw, 12, raw.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("sealed HA1 does not open", e);
        }
    }
}
