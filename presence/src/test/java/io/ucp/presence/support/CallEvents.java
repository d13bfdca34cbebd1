package io.ucp.presence.support;

import java.time.OffsetDateTime;
import java.util.UUID;

/** call.events CloudEvents as signaling publishes them (only the fields presence reads are meaningful). */
public final class CallEvents {

    private CallEvents() {
    }

    public static String event(String type, UUID callId, UUID caller, UUID callee, boolean answered, boolean ended) {
        String now = "\"" + OffsetDateTime.now() + "\"";
        String answeredAt = answered ? now : "null";
        String endedAt = ended ? now : "null";
        String legState = ended ? "ended" : answered ? "answered" : "ringing";
        return """
                {"specversion":"1.0","id":"%s","source":"/ucp/signaling","type":"%s","subject":"calls/%s",
                 "time":%s,"sequence":"1","datacontenttype":"application/json",
                 "data":{"call":{"callId":"%s","direction":"internal","state":"%s","endCause":null,
                   "callerAccountId":"%s","callerDeviceId":null,"callerNumber":null,"calleeAccountId":"%s",
                   "calleeNumber":null,"calleeKind":"user","answeredAt":%s,"endedAt":%s,
                   "legs":[{"legId":"%s","accountId":"%s","deviceId":null,"role":"callee","state":"%s",
                            "answeredAt":%s,"endedAt":%s}],"version":1}}}
                """.formatted(UUID.randomUUID(), type, callId, now, callId, legState, caller, callee, answeredAt,
                endedAt, UUID.randomUUID(), callee, legState, answeredAt, endedAt);
    }
}
