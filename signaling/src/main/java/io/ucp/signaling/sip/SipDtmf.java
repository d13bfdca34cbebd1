package io.ucp.signaling.sip;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;

/**
 * DTMF as SIP INFO (the de-facto {@code application/dtmf-relay} body, and {@code application/dtmf}): digits from a
 * phone's INFO, and INFOs carrying digits to a phone. In-band digits (RFC 4733) pass through rtpengine, which also
 * reports them (see {@code media.RtpEngineDtmf}).
 */
@ApplicationScoped
class SipDtmf {

    private static final String DIGITS = "0123456789*#ABCD";

    private final SipEdge edge;

    SipDtmf(SipEdge edge) {
        this.edge = edge;
    }

    /** The digits an INFO carries, or null when it carries none (another INFO package, a bad body). */
    static String digitsOf(Request info) {
        ContentTypeHeader type = (ContentTypeHeader) info.getHeader(ContentTypeHeader.NAME);
        byte[] body = info.getRawContent();
        if (type == null || body == null || !"application".equalsIgnoreCase(type.getContentType())) {
            return null;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String subtype = type.getContentSubType().toLowerCase(Locale.ROOT);
        String digit = null;
        if ("dtmf-relay".equals(subtype)) {
            for (String line : text.split("\r?\n")) {
                int equals = line.indexOf('=');
                if (equals > 0 && "signal".equalsIgnoreCase(line.substring(0, equals).trim())) {
                    digit = line.substring(equals + 1).trim();
                }
            }
        } else if ("dtmf".equals(subtype)) {
            digit = text.trim();
        }
        if (digit == null || digit.length() != 1) {
            return null;
        }
        String upper = digit.toUpperCase(Locale.ROOT);
        return DIGITS.contains(upper) ? upper : null;
    }

    /** One INFO per digit, in order, in the phone's dialog. */
    void send(Dialog dialog, String digits) {
        for (char digit : digits.toCharArray()) {
            String body = "Signal=" + digit + "\r\nDuration=160\r\n";
            edge.send("INFO", () -> {
                Request info = dialog.createRequest(Request.INFO);
                info.setContent(body.getBytes(StandardCharsets.UTF_8),
                        edge.headers().createContentTypeHeader("application", "dtmf-relay"));
                ClientTransaction transaction = edge.provider().getNewClientTransaction(info);
                dialog.sendRequest(transaction);
            });
        }
    }
}
