package io.ucp.identity.profile;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.ucp.identity.platform.problem.ProblemException;
import java.util.Locale;

/** E.164 normalisation with libphonenumber: international input ("+49 30 1234567"), or national plus a region. */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /** The E.164 form, or a 400 naming {@code field} if the number is not a valid, dialable number. */
    public static String toE164(String field, String raw, String region) {
        if (raw.length() > 40) {
            throw ProblemException.badRequest(field, "is too long for a phone number");
        }
        String parseRegion = region == null || region.isBlank() ? "ZZ" : region.strip().toUpperCase(Locale.ROOT);
        if (!"ZZ".equals(parseRegion) && !UTIL.getSupportedRegions().contains(parseRegion)) {
            throw ProblemException.badRequest("phoneRegion", "must be an ISO 3166-1 alpha-2 region code");
        }
        try {
            Phonenumber.PhoneNumber number = UTIL.parse(raw, parseRegion);
            if (!UTIL.isValidNumber(number)) {
                throw ProblemException.badRequest(field, "is not a valid phone number");
            }
            return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw ProblemException.badRequest(field, "is not a phone number in international (+...) format");
        }
    }
}
