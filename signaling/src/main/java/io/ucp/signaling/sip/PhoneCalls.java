package io.ucp.signaling.sip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gov.nist.javax.sip.message.SIPRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.call.CallStates;
import io.ucp.signaling.call.CallView;
import io.ucp.signaling.call.Idempotency;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.media.MediaLeg;
import io.ucp.signaling.media.MediaRelay;
import io.ucp.signaling.media.MediaRelayException;
import io.ucp.signaling.media.Profile;
import io.ucp.signaling.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Calls placed by registered phones (the B2BUA's caller side). A phone's INVITE is digest-authenticated as a proxy
 * would (407), its Request-URI read by the {@link DialPlan}, and the call created exactly as {@code POST /v1/calls}
 * creates it from that device (same state machine, events, billing authorization, CDR); the INVITE's Call-ID and
 * From-tag are its idempotency key, so a re-sent INVITE never creates a second call (retransmissions are absorbed
 * by the transaction layer before that).
 *
 * <p>The phone's SDP offer goes to every leg that rings: unchanged to other phones (their link anchors it in
 * rtpengine, see {@link SipPhones}), anchored here for WebSocket devices (rtpengine turns plain RTP into ICE +
 * DTLS-SRTP, one fork per leg). The phone hears 180 while the call rings, 200 with the answering device's SDP
 * answer (through rtpengine) once the call is answered and that answer is in, a final error mapped from the end
 * cause when the call ends unanswered, BYE when it ends after the answer. The phone's CANCEL and BYE hang up.
 */
@ApplicationScoped
public class PhoneCalls {

    private final SipEdge edge;
    private final SipRequests requests;
    private final DigestAuthenticator authenticator;
    private final CallService calls;
    private final MediaRelay relay;
    private final SipDirectory directory;
    private final DeviceRegistry registry;
    private final ObjectMapper mapper;
    private final SipTrunks trunks;
    private final SipHold holds;
    private final SipDtmf dtmf;
    /** Placed calls by the INVITE's SIP Call-ID (also holds INVITEs still being placed). */
    private final Map<String, Placed> bySipCallId = new ConcurrentHashMap<>();
    /** Placed calls by call id, for the phone link's messages. */
    private final Map<UUID, Placed> byCallId = new ConcurrentHashMap<>();

    public PhoneCalls(SipEdge edge, SipRequests requests, DigestAuthenticator authenticator, CallService calls,
            MediaRelay relay, SipDirectory directory, DeviceRegistry registry, ObjectMapper mapper, SipTrunks trunks, SipHold holds, SipDtmf dtmf) {
        this.edge = edge;
        this.requests = requests;
        this.authenticator = authenticator;
        this.calls = calls;
        this.relay = relay;
        this.directory = directory;
        this.registry = registry;
        this.mapper = mapper;
        this.trunks = trunks;
        this.holds = holds;
        this.dtmf = dtmf;
    }

    /** A new INVITE (no To-tag) at our domain. */
    void onInvite(Request request, ServerTransaction transaction) {
        String sipCallId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        if (bySipCallId.containsKey(sipCallId)) {
            // Same Call-ID, new transaction: a merged request (RFC 3261 §8.2.2.2), never a second call.
            requests.respond(transaction, Response.LOOP_DETECTED, "Merged request");
            return;
        }
        requests.respond(transaction, requests.response(Response.TRYING, request, null));
        SIPRequest sip = (SIPRequest) request;
        SipConfig.Trunk trunk = trunks.from(sip.getRemoteAddress().getHostAddress(), sip.getRemotePort());
        if (trunk != null) {
            fromTrunk(request, transaction, trunk, sipCallId);
            return;
        }
        authenticator.authenticate(request, transaction).subscribe().with(credential -> {
            if (credential != null) {
                place(request, transaction, credential, sipCallId);
            }
        }, e -> {
            Log.warnf("INVITE not authenticated: %s", e.toString());
            requests.respond(transaction, Response.SERVER_INTERNAL_ERROR, null);
        });
    }

    /** A registered phone's call: to a user, a number or a queue by the dial plan. */
    private void place(Request request, ServerTransaction transaction, SipDirectory.Credential credential,
            String sipCallId) {
        SipURI from = (SipURI) ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI();
        if (!credential.username().equals(from.getUser())) {
            requests.respond(transaction, Response.FORBIDDEN, "A device calls as its own address only");
            return;
        }
        String dialled = ((SipURI) request.getRequestURI()).getUser();
        DialPlan.Target target = DialPlan.parse(dialled);
        if (target == null) {
            requests.respond(transaction, Response.NOT_FOUND, "No user, number or queue by that name");
            return;
        }
        UUID device = credential.deviceId();
        start(request, transaction, device, credential.accountId(), sipCallId, dialled, (actor, idem) ->
                target.accountId() != null ? calls.originate(actor, device, target.accountId(), idem)
                        : target.number() != null ? calls.originateToNumber(actor, device, target.number(), idem)
                        : calls.originateToQueue(actor, device, target.queueId(), idem));
    }

    /** A carrier's call to one of our numbers: it enters the routing of the number's owner, as POST /calls/inbound. */
    private void fromTrunk(Request request, ServerTransaction transaction, SipConfig.Trunk trunk, String sipCallId) {
        DialPlan.Target to = DialPlan.parse(((SipURI) request.getRequestURI()).getUser());
        if (to == null || to.number() == null) {
            requests.respond(transaction, Response.NOT_FOUND, "Not a number of ours");
            return;
        }
        String fromUser = ((SipURI) ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI()).getUser();
        DialPlan.Target caller = DialPlan.parse(fromUser);
        // The outside number as the carrier gives it (E.164, or a national/withheld form kept as digits).
        String fromNumber = caller != null && caller.number() != null ? caller.number()
                : fromUser != null && fromUser.matches("\\+?[0-9]{2,20}") ? fromUser : null;
        start(request, transaction, trunk.deviceId(), trunk.accountId(), sipCallId, to.number(), (actor, idem) ->
                calls.inbound(actor, trunk.deviceId(), fromNumber, to.number(), idem));
    }

    /** How a call is created for an INVITE: one of CallService's originates, as that device. */
    @FunctionalInterface
    private interface Origination {
        Uni<CallView> create(Actor actor, Idempotency idem);
    }

    private void start(Request request, ServerTransaction transaction, UUID device, UUID account, String sipCallId,
            String dialled, Origination origination) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        byte[] body = request.getRawContent();
        if (body == null || type == null || !"application".equalsIgnoreCase(type.getContentType())
                || !"sdp".equalsIgnoreCase(type.getContentSubType())) {
            // A delayed offer (SDP in the ACK) is legal SIP, but every phone we serve offers in the INVITE.
            requests.respond(transaction, Response.NOT_ACCEPTABLE_HERE, "An SDP offer is required in the INVITE");
            return;
        }
        Placed placed = new Placed(request, transaction, device, account, sipCallId,
                new String(body, StandardCharsets.UTF_8), requests.tag());
        if (bySipCallId.putIfAbsent(sipCallId, placed) != null) {
            requests.respond(transaction, Response.LOOP_DETECTED, "Merged request");
            return;
        }
        String fromTag = ((FromHeader) request.getHeader(FromHeader.NAME)).getTag();
        Idempotency idem = Idempotency.of("sip:" + sha256(sipCallId + "\u0000" + fromTag), "sip-invite", device,
                dialled);
        Actor actor = placed.actor();
        edge.send("dialog", () -> placed.hold.dialog = edge.provider().getNewDialog(transaction));
        origination.create(actor, idem).subscribe().with(view -> {
            placed.callId = view.callId();
            byCallId.put(view.callId(), placed);
            changed(placed, view);
            // Changes made before we listened on the link (e.g. a quick reject) are in a fresh read.
            calls.get(actor, view.callId()).subscribe().with(fresh -> changed(placed, fresh), e -> { });
        }, e -> {
            bySipCallId.remove(sipCallId, placed);
            int status = e instanceof ProblemException p ? sipStatus(p.status()) : Response.SERVER_INTERNAL_ERROR;
            if (status == Response.SERVER_INTERNAL_ERROR) {
                Log.warnf("INVITE from device %s not placed: %s", device, e.toString());
            }
            if (placed.takeFinal()) {
                requests.respond(transaction, respondTo(placed, status, reason(e)));
            }
        });
    }

    /**
     * A message the device channel would send the calling device; true when it belongs to a call this phone
     * placed (then it is handled here).
     */
    boolean onDeviceMessage(UUID deviceId, UUID callId, JsonNode message) {
        Placed placed = byCallId.get(callId);
        if (placed == null || !placed.deviceId.equals(deviceId)) {
            return false;
        }
        switch (message.path("type").asText()) {
            case "call.update" -> {
                try {
                    changed(placed, mapper.treeToValue(message.path("call"), CallView.class));
                } catch (Exception e) {
                    Log.debugf("Call update for a phone's call not read: %s", e.toString());
                }
            }
            case "sdp" -> {
                JsonNode description = message.path("description");
                if ("answer".equals(description.path("type").asText())) {
                    answered(placed, UUID.fromString(message.path("fromDeviceId").asText()),
                            description.path("sdp").asText());
                }
            }
            case "dtmf" -> {
                Dialog dialog = placed.hold.dialog;
                if (placed.answered && !placed.done && dialog != null) {
                    dtmf.send(dialog, message.path("digits").asText(""));
                }
            }
            default -> { } // ICE: rtpengine learns the browser's address from its connectivity checks
        }
        return true;
    }

    /** The phone's CANCEL; false when it matches no INVITE of ours. */
    boolean onCancel(Request request, ServerTransaction transaction) {
        Placed placed = bySipCallId.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        if (placed == null) {
            return false;
        }
        requests.respond(transaction, requests.response(Response.OK, request, null));
        if (placed.takeFinal()) {
            requests.respond(placed.transaction, respondTo(placed, Response.REQUEST_TERMINATED, null));
        }
        placed.hungUp = true;
        hangup(placed);
        return true;
    }

    /** A re-INVITE in the dialog of a call a phone placed (hold, resume); false when it is no dialog of ours. */
    boolean onReinvite(Request request, ServerTransaction transaction) {
        Placed placed = bySipCallId.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        if (placed == null || !placed.answered) {
            return false;
        }
        holds.onReinvite(placed.hold, request, transaction, placed.actor(), placed.callId);
        return true;
    }

    /** Responses in our dialogs with calling phones: a 2xx to our re-INVITE is ACKed; true when it was ours. */
    boolean onResponse(javax.sip.ResponseEvent event) {
        Response response = event.getResponse();
        Placed placed = bySipCallId.get(((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId());
        if (placed == null) {
            return false;
        }
        javax.sip.header.CSeqHeader cseq = (javax.sip.header.CSeqHeader) response.getHeader(
                javax.sip.header.CSeqHeader.NAME);
        Dialog dialog = placed.hold.dialog;
        if (Request.INVITE.equals(cseq.getMethod()) && response.getStatusCode() / 100 == 2 && dialog != null) {
            long number = cseq.getSeqNumber();
            edge.send("ACK", () -> dialog.sendAck(dialog.createAck(number)));
        }
        return true;
    }

    /** An INFO from a calling phone: its DTMF digit goes to the call; false when it is no dialog of ours. */
    boolean onInfo(Request request, ServerTransaction transaction) {
        Placed placed = bySipCallId.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        if (placed == null || !placed.answered) {
            return false;
        }
        String digit = SipDtmf.digitsOf(request);
        requests.respond(transaction, requests.response(digit == null ? Response.UNSUPPORTED_MEDIA_TYPE : Response.OK,
                request, null));
        if (digit != null) {
            calls.dtmfFromDevice(placed.callId, placed.deviceId, digit).subscribe().with(ok -> { },
                    e -> Log.debugf("Phone's DTMF not taken (%s): %s", placed.callId, e.getMessage()));
        }
        return true;
    }

    /** The phone's BYE; false when it is no dialog of ours. */
    boolean onBye(Request request, ServerTransaction transaction) {
        Placed placed = bySipCallId.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        if (placed == null) {
            return false;
        }
        requests.respond(transaction, requests.response(Response.OK, request, null));
        placed.hungUp = true;
        hangup(placed);
        return true;
    }

    private void hangup(Placed placed) {
        if (placed.callId == null) {
            return; // still being placed: the call's first update finds it hung up
        }
        calls.hangup(placed.actor(), placed.callId, null).subscribe().with(ok -> { },
                e -> Log.warnf("Phone's hang-up not taken (%s): %s", placed.callId, e.toString()));
    }

    /** The call changed: ring, relay the offer to new legs, answer or end the phone's INVITE. */
    private void changed(Placed placed, CallView view) {
        if (placed.done || view.version() < placed.version) {
            return;
        }
        placed.version = view.version();
        if (placed.hungUp && !CallStates.ENDED.equals(view.state())) {
            hangup(placed);
            return;
        }
        if (CallStates.ENDED.equals(view.state())) {
            ended(placed, view);
            return;
        }
        if (!placed.ringSent && (CallStates.RINGING.equals(view.state()) || CallStates.ROUTING.equals(view.state()))) {
            placed.ringSent = true;
            requests.respond(placed.transaction, respondTo(placed, Response.RINGING, null));
        }
        UUID device = placed.deviceId;
        if (placed.answered) {
            boolean ourLegHolds = view.legs().stream().anyMatch(l -> device.equals(l.deviceId())
                    && CallStates.HELD.equals(l.state()));
            holds.follow(placed.hold, view.state(), ourLegHolds);
        }
        for (CallView.LegView leg : view.legs()) {
            if (leg.deviceId() != null && !leg.deviceId().equals(device) && !CallStates.ENDED.equals(leg.state())
                    && placed.offered.add(leg.legId())) {
                offer(placed, leg);
            }
            if (leg.answeredAt() != null && !leg.deviceId().equals(device) && leg.deviceId() != null
                    && !CallStates.ENDED.equals(leg.state()) && placed.answeredBy == null) {
                placed.answeredBy = leg.deviceId();
                String sdp = placed.answers.get(leg.deviceId());
                if (sdp != null) {
                    accept(placed, sdp);
                }
            }
        }
    }

    /** The phone's offer to one newly ringing leg: unchanged to a phone (its link anchors it), anchored otherwise. */
    private void offer(Placed placed, CallView.LegView leg) {
        // A device with SIP registrations is a phone (shared in Redis, so right on any instance).
        directory.contacts(leg.deviceId()).chain(contacts -> {
            if (!contacts.isEmpty()) {
                return Uni.createFrom().item(placed.sdp);
            }
            MediaLeg media = new MediaLeg(placed.callId.toString(), placed.mediaTag(), null,
                    MediaLeg.profileOf(placed.sdp), Profile.WEBRTC, leg.legId().toString());
            return relay.offer(media, placed.sdp).invoke(() -> placed.anchored.put(leg.deviceId(), media))
                    .onFailure(MediaRelayException.class).recoverWithUni(e ->
                            ((MediaRelayException) e).reason() == MediaRelayException.Reason.DISABLED
                                    ? Uni.createFrom().item(placed.sdp) : Uni.createFrom().failure(e));
        }).subscribe().with(sdp -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", "sdp");
            out.put("callId", placed.callId);
            out.put("legId", leg.legId());
            out.put("fromDeviceId", placed.deviceId);
            out.put("description", Map.of("type", "offer", "sdp", sdp));
            registry.send(leg.deviceId(), out);
        }, e -> Log.warnf("Offer of call %s not sent to device %s (no media for it): %s", placed.callId,
                leg.deviceId(), e.getMessage()));
    }

    /** An SDP answer from a ringing or answering device: kept until that device has the call. */
    private void answered(Placed placed, UUID from, String sdp) {
        MediaLeg media = placed.anchored.get(from);
        Uni<String> forPhone = media == null ? Uni.createFrom().item(sdp)
                : relay.answer(media.withToTag("device-" + from), sdp);
        forPhone.subscribe().with(answer -> {
            placed.answers.put(from, answer);
            if (from.equals(placed.answeredBy)) {
                accept(placed, answer);
            }
        }, e -> {
            Log.warnf("Answer of call %s not anchored: %s", placed.callId, e.getMessage());
            hangup(placed);
        });
    }

    private void accept(Placed placed, String sdp) {
        if (!placed.takeFinal()) {
            return;
        }
        Response ok = respondTo(placed, Response.OK, null);
        try {
            ok.setContent(sdp.getBytes(StandardCharsets.UTF_8), edge.headers().createContentTypeHeader("application", "sdp"));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        placed.hold.localSdp = sdp;
        placed.answered = true;
        requests.respond(placed.transaction, ok);
    }

    private void ended(Placed placed, CallView view) {
        placed.done = true;
        bySipCallId.remove(placed.sipCallId, placed);
        byCallId.remove(placed.callId, placed);
        relay.delete(placed.callId.toString()).subscribe().with(ok -> { },
                e -> Log.warnf("Media of call %s not released (the stale sweep will): %s", placed.callId, e.getMessage()));
        if (placed.takeFinal()) {
            requests.respond(placed.transaction, respondTo(placed, finalFor(view.endCause()), view.endCause()));
        } else if (placed.answered && !placed.hungUp) {
            edge.send("BYE", () -> {
                Dialog dialog = placed.hold.dialog;
                ClientTransaction bye = edge.provider().getNewClientTransaction(dialog.createRequest(Request.BYE));
                dialog.sendRequest(bye);
            });
        }
    }

    /** The SIP final response for a call that ended before it was answered. */
    static int finalFor(String endCause) {
        return switch (endCause == null ? "" : endCause) {
            case CallStates.BUSY -> Response.BUSY_HERE;
            case CallStates.REJECTED -> Response.DECLINE;
            case CallStates.INSUFFICIENT_FUNDS -> Response.PAYMENT_REQUIRED;
            case CallStates.CANCELLED, CallStates.NORMAL -> Response.REQUEST_TERMINATED;
            case CallStates.TIMEOUT -> Response.REQUEST_TIMEOUT;
            default -> Response.TEMPORARILY_UNAVAILABLE; // no answer, nobody reachable, the queue gave up
        };
    }

    /** A refused call's problem status as SIP. */
    static int sipStatus(int http) {
        return switch (http) {
            case 400 -> Response.BAD_REQUEST;
            case 402 -> Response.PAYMENT_REQUIRED;
            case 403, 422 -> Response.FORBIDDEN; // e.g. calling yourself, a device not registered
            case 404 -> Response.NOT_FOUND;
            case 409 -> Response.BUSY_HERE;
            case 429 -> Response.SERVICE_UNAVAILABLE;
            default -> Response.SERVER_INTERNAL_ERROR;
        };
    }

    private static String reason(Throwable e) {
        if (!(e instanceof ProblemException p) || p.getMessage() == null) {
            return null;
        }
        String text = p.getMessage().replaceAll("[\\r\\n]", " ");
        return text.length() > 100 ? text.substring(0, 100) : text;
    }

    /** A response on the INVITE, with our To-tag and Contact (the dialog's remote target for the phone). */
    private Response respondTo(Placed placed, int status, String reason) {
        Response response = requests.response(status, placed.request, reason);
        try {
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(placed.toTag);
            if (status < 300) {
                response.addHeader(requests.contact(((ViaHeader) placed.request.getHeader(ViaHeader.NAME))
                        .getTransport()));
            }
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
        return response;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One INVITE from a phone and the call it placed. */
    private static final class Placed {
        final Request request;
        final ServerTransaction transaction;
        final UUID deviceId;
        final UUID accountId;
        final String sipCallId;
        final String sdp;
        final String toTag;
        /** Legs the phone's offer went to. */
        final Set<UUID> offered = ConcurrentHashMap.newKeySet();
        /** Media forks anchored here, by the device they were offered to. */
        final Map<UUID, MediaLeg> anchored = new ConcurrentHashMap<>();
        /** SDP answers for the phone, by the device that gave them. */
        final Map<UUID, String> answers = new ConcurrentHashMap<>();
        volatile UUID callId;
        /** The phone's dialog and its hold state, once answered. */
        final DialogHold hold = new DialogHold();
        volatile UUID answeredBy;
        volatile long version = -1;
        volatile boolean ringSent;
        volatile boolean answered;
        volatile boolean hungUp;
        volatile boolean done;
        private boolean finalSent;

        Placed(Request request, ServerTransaction transaction, UUID deviceId, UUID accountId, String sipCallId,
                String sdp, String toTag) {
            this.request = request;
            this.transaction = transaction;
            this.deviceId = deviceId;
            this.accountId = accountId;
            this.sipCallId = sipCallId;
            this.sdp = sdp;
            this.toTag = toTag;
        }

        Actor actor() {
            return new Actor(accountId, false);
        }

        /** rtpengine's tag for the phone's side: as a callee phone's link names the caller's side. */
        String mediaTag() {
            return "device-" + deviceId;
        }

        /** True once: the INVITE gets one final response. */
        synchronized boolean takeFinal() {
            if (finalSent) {
                return false;
            }
            finalSent = true;
            return true;
        }
    }
}
