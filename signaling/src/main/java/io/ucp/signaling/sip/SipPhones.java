package io.ucp.signaling.sip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.device.DeviceLink;
import io.ucp.signaling.device.DeviceRegistry;
import io.ucp.signaling.media.MediaLeg;
import io.ucp.signaling.media.MediaRelay;
import io.ucp.signaling.media.MediaRelayException;
import io.ucp.signaling.media.Profile;
import io.ucp.signaling.routing.AccountCopies;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.TimeoutEvent;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Registered SIP phones as devices of the call model. A phone with a live registration is in the device
 * directory ({@link DeviceRegistry}) through a {@link DeviceLink} on the instance that took its REGISTER, so routing,
 * queues and presence see it exactly like a connected WebSocket device, and any instance can ring it. The link
 * turns the device channel's messages into SIP (this instance is the B2BUA's callee side):
 * {@code call.offer} prepares an INVITE, sent with the caller's SDP offer when it is relayed ({@code sdp} offer);
 * 2xx → ACK, the call answered on this device and the phone's SDP answer relayed to the caller; 486/600 → busy,
 * other failures → rejected; a {@code call.update} ending our leg → CANCEL before the answer, BYE after; the
 * phone's BYE hangs up. A sweep every second drops links whose registrations are gone (expiry, device removal,
 * account suspension on any instance), so a revoked phone stops ringing within seconds.
 *
 * <p>Media is anchored in rtpengine ({@link MediaRelay}): the caller's offer goes to the phone as rtpengine
 * rewrote it for plain RTP (a browser's DTLS-SRTP/ICE offer becomes RTP/AVP), the phone's answer goes back to the
 * caller as rtpengine rewrote it for the caller's profile, and the call's media is released when the call ends.
 * Each phone ringing for a call is a fork of the caller's offer (its leg id is the branch), so the phone that
 * answers keeps its own media. Without a relay (media disabled) the SDP passes through unchanged.
 */
@ApplicationScoped
public class SipPhones {

    private final SipEdge edge;
    private final SipDirectory directory;
    private final DeviceRegistry registry;
    private final CallService calls;
    private final MediaRelay relay;
    private final PhoneCalls placed;
    private final AccountCopies accounts;
    private final SipHold holds;
    private final SipDtmf dtmf;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final Map<UUID, Link> links = new ConcurrentHashMap<>();
    /** SIP trunks held by this instance, by trunk device id. */
    private final Map<UUID, Link> trunks = new ConcurrentHashMap<>();
    /** Our INVITE dialogs by SIP Call-ID. */
    private final Map<String, Leg> legs = new ConcurrentHashMap<>();

    public SipPhones(SipEdge edge, SipDirectory directory, DeviceRegistry registry, CallService calls,
            MediaRelay relay, PhoneCalls placed, AccountCopies accounts, SipHold holds, SipDtmf dtmf, ObjectMapper mapper, Vertx vertx) {
        this.edge = edge;
        this.directory = directory;
        this.registry = registry;
        this.calls = calls;
        this.relay = relay;
        this.placed = placed;
        this.accounts = accounts;
        this.holds = holds;
        this.dtmf = dtmf;
        this.mapper = mapper;
        this.vertx = vertx;
    }

    /** After a REGISTER: the phone is ringable while it has contacts. */
    void registered(SipDirectory.Credential credential, List<SipDirectory.Contact> contacts) {
        if (contacts.isEmpty()) {
            drop(credential.deviceId());
            return;
        }
        Link link = links.computeIfAbsent(credential.deviceId(), id -> {
            Link created = new Link(credential);
            registry.connected(credential.accountId(), credential.deviceId(), false, created);
            return created;
        });
        link.contact = newest(contacts);
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        holdTrunks();
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Link link : new ArrayList<>(links.values())) {
            all = all.chain(() -> directory.contacts(link.deviceId).invoke(contacts -> {
                if (contacts.isEmpty()) {
                    drop(link.deviceId);
                } else {
                    link.contact = newest(contacts);
                }
            }).onFailure().recoverWithNull().replaceWithVoid());
        }
        return all;
    }

    /**
     * Every configured SIP trunk is a connected trunk device on some instance: the first to find one held nowhere
     * takes it (at start, and after the instance holding it is gone). Any instance rings it through the directory.
     */
    private void holdTrunks() {
        if (!edge.running()) {
            return;
        }
        edge.config().trunks().values().forEach(trunk -> {
            if (registry.trunkOwner(trunk.deviceId()) == null && !trunks.containsKey(trunk.deviceId())) {
                Link link = new Link(trunk.deviceId(), trunk.accountId(), null, trunk);
                trunks.put(trunk.deviceId(), link);
                registry.connected(trunk.accountId(), trunk.deviceId(), true, link);
            }
        });
    }

    private static SipDirectory.Contact newest(List<SipDirectory.Contact> contacts) {
        return contacts.stream().max(Comparator.comparingLong(SipDirectory.Contact::expiresAtMillis)).orElseThrow();
    }

    private void drop(UUID deviceId) {
        Link link = links.remove(deviceId);
        if (link != null) {
            link.open = false;
            registry.disconnected(deviceId, link);
        }
    }

    boolean onResponse(ResponseEvent event) {
        Response response = event.getResponse();
        Leg leg = legs.get(((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId());
        if (leg == null || !Request.INVITE.equals(((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getMethod())) {
            return leg != null;
        }
        int status = response.getStatusCode();
        if (status < 200 || status >= 300 && leg.answered) {
            return true; // provisional, or a phone refusing our re-INVITE: the call goes on as it was
        }
        Actor actor = new Actor(leg.link.accountId, false);
        UUID device = leg.link.deviceId;
        if (status < 300) {
            Dialog dialog = event.getDialog();
            long cseq = ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber();
            edge.send("ACK", () -> dialog.sendAck(dialog.createAck(cseq)));
            if (leg.answered || leg.ended) {
                return true; // a retransmitted 200, or one after we gave up: ACKed, nothing else
            }
            leg.answered = true;
            leg.dialog = dialog;
            leg.hold.dialog = dialog;
            String sdp = response.getRawContent() == null ? null : new String(response.getRawContent());
            String phoneTag = ((ToHeader) response.getHeader(ToHeader.NAME)).getTag();
            calls.answer(actor, leg.callId, device, null)
                    .call(() -> sdp == null ? Uni.createFrom().voidItem()
                            : toCaller(leg, phoneTag, sdp).chain(answer -> relay(leg, "answer", answer)))
                    .subscribe().with(ok -> { }, e -> {
                        // The phone answered but its media could not be joined (rtpengine failing): a call nobody
                        // can hear must not stay active, so the phone gets BYE and the call ends.
                        Log.warnf("SIP answer not taken (%s): %s", leg.callId, e.toString());
                        bye(leg);
                        calls.hangup(actor, leg.callId, null).subscribe().with(x -> { }, x -> { });
                    });
        } else if (!leg.ended) {
            leg.ended = true;
            legs.remove(leg.sipCallId);
            Uni<?> outcome = status == Response.BUSY_HERE || status == Response.BUSY_EVERYWHERE
                    ? calls.busyOnDevice(actor, leg.callId, device) : calls.rejectOnDevice(actor, leg.callId, device);
            outcome.subscribe().with(ok -> { }, e -> Log.debugf("SIP failure not taken: %s", e.getMessage()));
        }
        return true;
    }

    boolean onTimeout(TimeoutEvent event) {
        if (event.getClientTransaction() == null) {
            return false;
        }
        Request request = event.getClientTransaction().getRequest();
        Leg leg = legs.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        if (leg == null || !Request.INVITE.equals(request.getMethod()) || leg.ended || leg.answered) {
            return leg != null;
        }
        leg.ended = true;
        legs.remove(leg.sipCallId);
        calls.rejectOnDevice(new Actor(leg.link.accountId, false), leg.callId, leg.link.deviceId)
                .subscribe().with(ok -> { }, e -> { });
        return true;
    }

    /** A re-INVITE from a phone in an answered dialog of ours (hold, resume); false when it is no dialog of ours. */
    boolean onReinvite(Request request, ServerTransaction transaction) {
        Leg leg = legs.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        if (leg == null || !leg.answered || leg.ended) {
            return false;
        }
        holds.onReinvite(leg.hold, request, transaction, new Actor(leg.link.accountId, false), leg.callId);
        return true;
    }

    /** An INFO from a phone in an answered dialog of ours: its DTMF digit goes to the call; false when not ours. */
    boolean onInfo(Request request, ServerTransaction transaction, SipRequests requests) {
        Leg leg = legs.get(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        if (leg == null || !leg.answered || leg.ended) {
            return false;
        }
        String digit = SipDtmf.digitsOf(request);
        requests.respond(transaction, requests.response(digit == null ? Response.UNSUPPORTED_MEDIA_TYPE : Response.OK,
                request, null));
        if (digit != null) {
            calls.dtmfFromDevice(leg.callId, leg.link.deviceId, digit).subscribe().with(ok -> { },
                    e -> Log.debugf("Phone's DTMF not taken (%s): %s", leg.callId, e.getMessage()));
        }
        return true;
    }

    /** A BYE from a phone; false when it is no dialog of ours. */
    boolean onBye(Request request, ServerTransaction transaction, SipRequests requests) {
        Leg leg = legs.remove(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId());
        if (leg == null) {
            return false;
        }
        requests.respond(transaction, requests.response(Response.OK, request, null));
        leg.ended = true;
        calls.hangup(new Actor(leg.link.accountId, false), leg.callId, null)
                .subscribe().with(ok -> { }, e -> Log.warnf("SIP BYE not taken (%s): %s", leg.callId, e.toString()));
        return true;
    }

    /** The phone's SDP answer as the caller must see it: through rtpengine when the media is anchored. */
    private Uni<String> toCaller(Leg leg, String phoneTag, String sdp) {
        MediaLeg media = leg.media;
        if (media == null) {
            return Uni.createFrom().item(sdp);
        }
        // The phone's side is named after its device (as every side is), so rtpengine's reports (DTMF) name it.
        return relay.answer(media.withToTag("device-" + leg.link.deviceId), sdp);
    }

    /** The caller's SDP offer as the phone must see it; null media when no relay runs here (SDP unchanged). */
    private Uni<String> toPhone(Leg leg, String callerTag, String sdp) {
        MediaLeg media = new MediaLeg(leg.callId.toString(), callerTag, null, MediaLeg.profileOf(sdp), Profile.RTP,
                leg.legId.toString());
        return relay.offer(media, sdp).invoke(() -> leg.media = media)
                .onFailure(MediaRelayException.class).recoverWithUni(e -> {
                    if (((MediaRelayException) e).reason() == MediaRelayException.Reason.DISABLED) {
                        return Uni.createFrom().item(sdp);
                    }
                    return Uni.createFrom().failure(e);
                });
    }

    private void release(Leg leg) {
        relay.delete(leg.callId.toString()).subscribe().with(ok -> { },
                e -> Log.warnf("Media of call %s not released (the stale sweep will): %s", leg.callId, e.getMessage()));
    }

    private Uni<Void> relay(Leg leg, String type, String sdp) {
        UUID account = leg.link.accountId;
        UUID device = leg.link.deviceId;
        return calls.relayTargets(leg.callId, account, device).invoke(targets -> targets.forEach(target -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", "sdp");
            out.put("callId", leg.callId);
            out.put("legId", target.getKey());
            out.put("fromDeviceId", device);
            out.put("description", Map.of("type", type, "sdp", sdp));
            registry.send(target.getValue(), out);
        })).replaceWithVoid();
    }

    private void bye(Leg leg) {
        leg.ended = true;
        legs.remove(leg.sipCallId);
        Dialog dialog = leg.dialog;
        if (dialog != null) {
            edge.send("BYE", () -> {
                ClientTransaction bye = edge.provider().getNewClientTransaction(dialog.createRequest(Request.BYE));
                dialog.sendRequest(bye);
            });
        }
    }

    private void cancel(Leg leg) {
        leg.ended = true;
        legs.remove(leg.sipCallId);
        ClientTransaction invite = leg.invite;
        if (invite != null) {
            edge.send("CANCEL", () -> edge.provider().getNewClientTransaction(invite.createCancel()).sendRequest());
        }
    }

    /** One call leg ringing on a phone. */
    private static final class Leg {
        final Link link;
        final UUID callId;
        final UUID legId;
        final String caller;
        /** The caller's account (null on inbound calls), for the number a trunk presents. */
        final UUID callerAccountId;
        /** The number a trunk leg dials; null on a phone's leg. */
        final String number;
        volatile String sipCallId;
        volatile ClientTransaction invite;
        volatile Dialog dialog;
        /** Hold state of the answered dialog (our offer is its first local SDP). */
        final DialogHold hold = new DialogHold();
        /** The anchored media exchange, once rtpengine took the caller's offer. */
        volatile MediaLeg media;
        volatile boolean offered;
        volatile boolean answered;
        volatile boolean ended;

        Leg(Link link, UUID callId, UUID legId, String caller, UUID callerAccountId, String number) {
            this.link = link;
            this.callId = callId;
            this.legId = legId;
            this.callerAccountId = callerAccountId;
            this.number = number;
            this.caller = caller;
        }
    }

    /** A registered phone, or a SIP trunk, as the device directory sees it. */
    final class Link implements DeviceLink {
        final UUID deviceId;
        final UUID accountId;
        /** The phone's SIP username (its address of record); null for a trunk. */
        final String username;
        /** The trunk this link calls out through; null for a phone. */
        final SipConfig.Trunk trunk;
        final String id = "sip-" + UUID.randomUUID();
        final Map<UUID, Leg> ringing = new ConcurrentHashMap<>();
        final Context context = vertx.getOrCreateContext();
        volatile SipDirectory.Contact contact;
        volatile boolean open = true;

        Link(SipDirectory.Credential credential) {
            this(credential.deviceId(), credential.accountId(), credential.username(), null);
        }

        Link(UUID deviceId, UUID accountId, String username, SipConfig.Trunk trunk) {
            this.deviceId = deviceId;
            this.accountId = accountId;
            this.username = username;
            this.trunk = trunk;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public Uni<Void> close() {
            // Replaced by a newer registration of the same device (elsewhere): that link rings it now.
            open = false;
            links.remove(deviceId, this);
            trunks.remove(deviceId, this);
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> sendText(String text) {
            context.runOnContext(v -> {
                try {
                    handle(mapper.readTree(text));
                } catch (Exception e) {
                    Log.debugf("SIP link message not handled: %s", e.toString());
                }
            });
            return Uni.createFrom().voidItem();
        }

        private void handle(JsonNode message) throws Exception {
            String type = message.path("type").asText();
            UUID callId = UUID.fromString(message.path("callId").asText());
            if (placed.onDeviceMessage(deviceId, callId, message)) {
                return; // a call this phone placed: the caller side handles it
            }
            switch (type) {
                case "call.offer" -> {
                    JsonNode call = message.path("call");
                    String legId = message.path("legId").asText();
                    String caller = call.hasNonNull("callerNumber") ? call.path("callerNumber").asText()
                            : call.path("callerAccountId").asText("anonymous");
                    UUID callerAccount = call.hasNonNull("callerAccountId")
                            ? UUID.fromString(call.path("callerAccountId").asText()) : null;
                    String number = null;
                    for (JsonNode l : call.path("legs")) {
                        if (legId.equals(l.path("legId").asText()) && l.hasNonNull("number")) {
                            number = l.path("number").asText();
                        }
                    }
                    if (trunk != null && number == null) {
                        number = call.path("calleeNumber").asText(null);
                    }
                    ringing.putIfAbsent(callId, new Leg(this, callId, UUID.fromString(legId), caller, callerAccount,
                            number));
                }
                case "sdp" -> {
                    Leg leg = ringing.get(callId);
                    JsonNode description = message.path("description");
                    if (leg != null && !leg.offered && !leg.ended && "offer".equals(description.path("type").asText())) {
                        leg.offered = true;
                        String callerTag = "device-" + message.path("fromDeviceId").asText("caller");
                        toPhone(leg, callerTag, description.path("sdp").asText())
                                .chain(sdp -> presented(leg).map(from -> Map.entry(sdp, from)))
                                .subscribe().with(offer -> {
                                    try {
                                        invite(leg, offer.getKey(), offer.getValue());
                                    } catch (Exception e) {
                                        failed(leg, e);
                                    }
                                }, e -> failed(leg, e));
                    }
                }
                case "call.update" -> {
                    Leg leg = ringing.get(callId);
                    if (leg == null) {
                        return;
                    }
                    boolean ours = false;
                    boolean live = false;
                    boolean holds = false;
                    for (JsonNode l : message.path("call").path("legs")) {
                        if (leg.legId.toString().equals(l.path("legId").asText())) {
                            ours = true;
                            live = !"ended".equals(l.path("state").asText());
                            holds = "held".equals(l.path("state").asText());
                        }
                    }
                    if (ours && live && leg.answered && !leg.ended) {
                        SipPhones.this.holds.follow(leg.hold, message.path("call").path("state").asText(), holds);
                    }
                    if (!ours || live) {
                        return;
                    }
                    ringing.remove(callId);
                    if (leg.media != null && "ended".equals(message.path("call").path("state").asText())) {
                        release(leg);
                    }
                    if (leg.ended) {
                        return;
                    }
                    if (leg.answered) {
                        bye(leg);
                    } else {
                        cancel(leg);
                    }
                }
                case "dtmf" -> {
                    Leg leg = ringing.get(callId);
                    Dialog dialog = leg == null ? null : leg.dialog;
                    if (dialog != null && leg.answered && !leg.ended) {
                        dtmf.send(dialog, message.path("digits").asText(""));
                    }
                }
                default -> { }
            }
        }

        /** The INVITE could not be made (no media, a bad contact): the phone cannot take the call. */
        private void failed(Leg leg, Throwable e) {
            Log.warnf("SIP phone %s not invited to call %s: %s", deviceId, leg.callId, e.getMessage());
            if (leg.ended) {
                return;
            }
            leg.ended = true;
            SipPhones.this.calls.rejectOnDevice(new Actor(accountId, false), leg.callId, deviceId)
                    .subscribe().with(ok -> { }, x -> { });
        }

        /**
         * Who the INVITE's From names: for a phone the caller's number or account id; a trunk presents the caller's
         * number to the outside (an inbound caller's, else the caller account's profile phone), else "anonymous".
         */
        private Uni<String> presented(Leg leg) {
            if (trunk == null || !leg.caller.startsWith("+") && leg.callerAccountId == null) {
                return Uni.createFrom().item(trunk == null ? leg.caller : "anonymous");
            }
            if (leg.caller.startsWith("+")) {
                return Uni.createFrom().item(leg.caller);
            }
            return accounts.numberOf(leg.callerAccountId).map(number -> number == null ? "anonymous" : number);
        }

        private void invite(Leg leg, String sdp, String fromUser) throws Exception {
            var addresses = edge.addresses();
            var headers = edge.headers();
            String domain = edge.config().domain();
            SipURI requestUri;
            Address to;
            if (trunk == null) {
                requestUri = (SipURI) addresses.createURI(contact.uri());
                to = addresses.createAddress(addresses.createSipURI(username, domain));
            } else {
                if (leg.number == null) {
                    throw new IllegalStateException("a trunk leg without a number");
                }
                requestUri = addresses.createSipURI(leg.number, trunk.host());
                requestUri.setPort(trunk.port());
                requestUri.setTransportParam(trunk.transport());
                SipURI toUri = addresses.createSipURI(leg.number, trunk.host());
                to = addresses.createAddress(toUri);
            }
            String transport = requestUri.getTransportParam() == null ? "udp" : requestUri.getTransportParam().toLowerCase();
            var point = edge.provider().getListeningPoint(transport);
            Address from = addresses.createAddress(addresses.createSipURI(fromUser, domain));
            CallIdHeader sipCallId = edge.provider().getNewCallId();
            List<ViaHeader> via = List.of(headers.createViaHeader(point.getIPAddress(), point.getPort(), transport, null));
            Request invite = edge.messages().createRequest(requestUri, Request.INVITE, sipCallId,
                    headers.createCSeqHeader(1L, Request.INVITE), headers.createFromHeader(from, Long.toHexString(
                            System.nanoTime())), headers.createToHeader(to, null), via, headers.createMaxForwardsHeader(70),
                    headers.createContentTypeHeader("application", "sdp"), sdp.getBytes());
            SipURI contactUri = addresses.createSipURI("ucp", point.getIPAddress());
            contactUri.setPort(point.getPort());
            contactUri.setTransportParam(transport);
            invite.addHeader(headers.createContactHeader(addresses.createAddress(contactUri)));
            leg.sipCallId = sipCallId.getCallId();
            leg.hold.localSdp = sdp;
            legs.put(leg.sipCallId, leg);
            edge.send("INVITE", () -> {
                ClientTransaction transaction = edge.provider().getNewClientTransaction(invite);
                edge.provider().getNewDialog(transaction);
                leg.invite = transaction;
                transaction.sendRequest();
            });
        }
    }
}
