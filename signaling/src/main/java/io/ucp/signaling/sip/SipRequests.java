package io.ucp.signaling.sip;

import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.TimeoutEvent;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Every SIP request, on the Vert.x context: checked (size, headers the stack parses leniently, our domain), then
 * answered or handed to the feature that owns its method.
 */
@ApplicationScoped
public class SipRequests {

    static final List<String> ALLOWED = List.of(Request.INVITE, Request.ACK, Request.CANCEL, Request.BYE,
            Request.INFO, Request.OPTIONS, Request.REGISTER);
    private static final Set<String> KNOWN = Set.of(Request.INVITE, Request.ACK, Request.BYE, Request.CANCEL,
            Request.OPTIONS, Request.REGISTER, Request.INFO, Request.REFER, Request.PRACK, Request.UPDATE,
            Request.SUBSCRIBE, Request.NOTIFY, Request.MESSAGE, Request.PUBLISH);

    private final SipEdge edge;
    private final SipConfig config;
    private final jakarta.enterprise.inject.Instance<Registrar> registrar;
    private final jakarta.enterprise.inject.Instance<SipPhones> phones;
    private final jakarta.enterprise.inject.Instance<PhoneCalls> placed;
    private final SecureRandom random = new SecureRandom();

    public SipRequests(SipEdge edge, SipConfig config, jakarta.enterprise.inject.Instance<Registrar> registrar,
            jakarta.enterprise.inject.Instance<SipPhones> phones, jakarta.enterprise.inject.Instance<PhoneCalls> placed) {
        this.edge = edge;
        this.config = config;
        this.registrar = registrar;
        this.phones = phones;
        this.placed = placed;
    }

    void onRequest(Request request, ServerTransaction transaction) {
        try {
            if (transaction == null) {
                return; // an ACK outside any transaction we know: nothing to answer
            }
            String refusal = malformed(request);
            if (refusal != null) {
                respond(transaction, Response.BAD_REQUEST, refusal);
                return;
            }
            if (!"SIP/2.0".equals(((gov.nist.javax.sip.message.SIPRequest) request).getApplicationData())) {
                respond(transaction, Response.VERSION_NOT_SUPPORTED, null);
                return;
            }
            URI target = request.getRequestURI();
            if (!target.isSipURI()) {
                respond(transaction, Response.UNSUPPORTED_URI_SCHEME, null);
                return;
            }
            MaxForwardsHeader maxForwards = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
            if (maxForwards != null && maxForwards.getMaxForwards() == 0 && !Request.OPTIONS.equals(request.getMethod())) {
                respond(transaction, Response.TOO_MANY_HOPS, null);
                return;
            }
            if (!ours((SipURI) target)) {
                // Not our domain: we are no proxy for anyone else's (no open relay).
                respond(transaction, Response.FORBIDDEN, "Not our domain");
                return;
            }
            dispatch(request, transaction);
        } catch (RuntimeException e) {
            Log.warnf("SIP %s not handled: %s", request.getMethod(), e.toString());
            respond(transaction, Response.SERVER_INTERNAL_ERROR, null);
        }
    }

    private void dispatch(Request request, ServerTransaction transaction) {
        String method = request.getMethod();
        switch (method) {
            case Request.REGISTER -> registrar.get().onRegister(request, transaction);
            case Request.INVITE -> {
                if (((ToHeader) request.getHeader(ToHeader.NAME)).getTag() == null) {
                    placed.get().onInvite(request, transaction);
                } else if (!phones.get().onReinvite(request, transaction)
                        && !placed.get().onReinvite(request, transaction)) {
                    respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                }
            }
            case Request.INFO -> {
                if (!phones.get().onInfo(request, transaction, this) && !placed.get().onInfo(request, transaction)) {
                    respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                }
            }
            case Request.CANCEL -> {
                if (!placed.get().onCancel(request, transaction)) {
                    respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                }
            }
            case Request.BYE -> {
                if (!phones.get().onBye(request, transaction, this) && !placed.get().onBye(request, transaction)) {
                    respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                }
            }
            case Request.OPTIONS -> {
                Response response = response(Response.OK, request, null);
                allow(response);
                respond(transaction, response);
            }
            default -> {
                if (KNOWN.contains(method)) {
                    Response response = response(Response.METHOD_NOT_ALLOWED, request, null);
                    allow(response);
                    respond(transaction, response);
                } else {
                    Response response = response(Response.NOT_IMPLEMENTED, request, null);
                    allow(response);
                    respond(transaction, response);
                }
            }
        }
    }

    /** What the stack accepts but RFC 3261 calls malformed (RFC 4475 §3.1.2, §3.3); null when fine. */
    static String malformed(Request request) {
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        if (cseq == null || request.getHeader(ToHeader.NAME) == null || request.getHeader("From") == null
                || request.getHeader("Call-ID") == null || request.getHeader("Via") == null) {
            return "Missing mandatory header";
        }
        if (!cseq.getMethod().equals(request.getMethod())) {
            return "CSeq method does not match the request method";
        }
        return null;
    }

    private boolean ours(SipURI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        return host.equalsIgnoreCase(config.domain()) || host.equals(config.host());
    }

    private void allow(Response response) {
        try {
            response.addHeader(edge.headers().createAllowHeader(String.join(", ", ALLOWED)));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    void respond(ServerTransaction transaction, int status, String reason) {
        respond(transaction, response(status, transaction.getRequest(), reason));
    }

    void respond(ServerTransaction transaction, Response response) {
        edge.respond(transaction, response);
    }

    /** A response to {@code request}; final responses outside a dialog get our To tag. */
    Response response(int status, Request request, String reason) {
        try {
            Response response = edge.messages().createResponse(status, request);
            if (reason != null) {
                response.setReasonPhrase(reason);
            }
            ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
            if (status >= 200 && to != null && to.getTag() == null) {
                to.setTag(tag());
            }
            return response;
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Our Contact for {@code transport} (udp, tcp): the remote target a dialog's peer sends its requests to. */
    javax.sip.header.ContactHeader contact(String transport) {
        String name = transport.toLowerCase(java.util.Locale.ROOT);
        var point = edge.provider().getListeningPoint(name);
        try {
            SipURI uri = edge.addresses().createSipURI("ucp", point.getIPAddress());
            uri.setPort(point.getPort());
            uri.setTransportParam(name);
            return edge.headers().createContactHeader(edge.addresses().createAddress(uri));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    String tag() {
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    void onResponse(ResponseEvent event) {
        if (!phones.get().onResponse(event) && !placed.get().onResponse(event)) {
            Log.debugf("SIP response %d with no interested party", event.getResponse().getStatusCode());
        }
    }

    void onTimeout(TimeoutEvent event) {
        if (!phones.get().onTimeout(event)) {
            Log.debugf("SIP transaction timed out");
        }
    }
}
