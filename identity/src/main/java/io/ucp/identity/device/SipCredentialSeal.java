package io.ucp.identity.device;

import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a SIP device's HA1 for signaling's registrar: AES-256-GCM under {@code ucp.sip.credential-key}, a key only
 * identity and signaling are configured with, so the other consumers of identity.events see only ciphertext.
 * The device id is the associated data (a sealed HA1 cannot be moved onto another device). Output:
 * base64url(12-byte IV ‖ ciphertext ‖ tag). signaling's {@code SipCredentialSeal} is the opening half.
 */
@ApplicationScoped
public class SipCredentialSeal {

    /** The shared key, base64 of 32 bytes. */
    @ConfigMapping(prefix = "ucp.sip")
    public interface Config {
        String credentialKey();
    }

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SipCredentialSeal(Config config) {
        byte[] raw = Base64.getDecoder().decode(config.credentialKey());
        if (raw.length != 32) {
            throw new IllegalStateException("ucp.sip.credential-key must be 32 bytes (base64)");
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    public String seal(UUID deviceId, String ha1) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            cipher.updateAAD(deviceId.toString().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(ha1.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
