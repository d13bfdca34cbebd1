package io.ucp.signaling.sip;

import io.quarkus.logging.Log;
import io.ucp.signaling.call.Actor;
import io.ucp.signaling.call.CallService;
import io.ucp.signaling.call.CallStates;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.UUID;
import javax.sip.ClientTransaction;
import javax.sip.ServerTransaction;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Hold and resume on SIP legs, both ways (RFC 3264 §8.4). The call model's hold (REST, a browser, another phone)
 * becomes a re-INVITE with our last SDP re-directed: {@code sendonly} to the held party, {@code inactive} to the
 * holder's own phone, {@code sendrecv} on resume. A phone's re-INVITE with {@code sendonly}/{@code inactive} (or
 * {@code c=0.0.0.0}) holds the call as that party, a later one with {@code sendrecv} resumes it; it is answered at
 * once with the mirrored direction. rtpengine keeps relaying whatever flows, so nothing changes there.
 */
@ApplicationScoped
class SipHold {

    private final SipEdge edge;
    private final SipRequests requests;
    private final CallService calls;

    SipHold(SipEdge edge, SipRequests requests, CallService calls) {
        this.edge = edge;
        this.requests = requests;
        this.calls = calls;
    }

    /** The call is now {@code callState}: re-INVITE the phone if its direction must change. */
    void follow(DialogHold hold, String callState, boolean phonesLegHolds) {
        if (hold.dialog == null || hold.localSdp == null || hold.heldByPeer) {
            return;
        }
        String wanted = CallStates.HELD.equals(callState)
                ? phonesLegHolds ? SdpDirection.INACTIVE : SdpDirection.SENDONLY
                : CallStates.ACTIVE.equals(callState) ? SdpDirection.SENDRECV : null;
        if (wanted == null || wanted.equals(hold.direction)) {
            return;
        }
        hold.direction = wanted;
        String sdp = SdpDirection.with(hold.localSdp, wanted);
        hold.localSdp = sdp;
        edge.send("re-INVITE", () -> {
            Request reinvite = hold.dialog.createRequest(Request.INVITE);
            reinvite.setContent(sdp.getBytes(StandardCharsets.UTF_8),
                    edge.headers().createContentTypeHeader("application", "sdp"));
            reinvite.addHeader(requests.contact(((ViaHeader) reinvite.getHeader(ViaHeader.NAME)).getTransport()));
            ClientTransaction transaction = edge.provider().getNewClientTransaction(reinvite);
            hold.dialog.sendRequest(transaction);
        });
    }

    /** The phone's re-INVITE in an answered dialog: answered now, the call held or resumed as {@code actor}. */
    void onReinvite(DialogHold hold, Request request, ServerTransaction transaction, Actor actor, UUID callId) {
        String mine = hold.localSdp;
        if (mine == null) {
            requests.respond(transaction, Response.NOT_ACCEPTABLE_HERE, "No session to change yet");
            return;
        }
        byte[] body = request.getRawContent();
        // No SDP: the phone asks for our offer (e.g. a session refresh); it gets our current one unchanged.
        String offered = body == null ? null : SdpDirection.of(new String(body, StandardCharsets.UTF_8));
        String answer = offered == null ? mine : SdpDirection.with(mine, SdpDirection.answerTo(offered));
        hold.localSdp = answer;
        Response ok = requests.response(Response.OK, request, null);
        try {
            ok.setContent(answer.getBytes(StandardCharsets.UTF_8),
                    edge.headers().createContentTypeHeader("application", "sdp"));
            ok.addHeader(requests.contact(((ViaHeader) request.getHeader(ViaHeader.NAME)).getTransport()));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        requests.respond(transaction, ok);
        boolean holds = SdpDirection.SENDONLY.equals(offered) || SdpDirection.INACTIVE.equals(offered);
        if (holds && !hold.heldByPeer) {
            hold.heldByPeer = true;
            hold.direction = SdpDirection.answerTo(offered);
            calls.hold(actor, callId, null).subscribe().with(ok2 -> { },
                    e -> Log.debugf("Phone's hold not taken (%s): %s", callId, e.getMessage()));
        } else if (!holds && offered != null && hold.heldByPeer) {
            hold.heldByPeer = false;
            hold.direction = SdpDirection.SENDRECV;
            calls.resume(actor, callId, null).subscribe().with(ok2 -> { },
                    e -> Log.debugf("Phone's resume not taken (%s): %s", callId, e.getMessage()));
        }
    }
}
