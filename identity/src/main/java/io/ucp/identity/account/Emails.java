package io.ucp.identity.account;

import java.text.Normalizer;
import java.util.Locale;

/** Email normalisation: trimmed, NFC, domain lower-cased (the local part keeps its case; lookups ignore case). */
public final class Emails {

    private Emails() {
    }

    public static String normalise(String email) {
        String trimmed = Normalizer.normalize(email.strip(), Normalizer.Form.NFC);
        int at = trimmed.lastIndexOf('@');
        if (at < 0) {
            return trimmed;
        }
        return trimmed.substring(0, at) + "@" + trimmed.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
