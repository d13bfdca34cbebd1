package io.ucp.signaling.call;

import java.util.UUID;

/**
 * Who calls whom, for a new call: an internal call (user → user), an outbound one (user → E.164 number through a
 * trunk), an inbound one (a trunk's outside number → the user owning the dialled number) or a call into a queue
 * ({@code queueId}). The caller leg's account is the trunk's account on inbound calls, which have no caller account.
 */
public record Dial(UUID callId, String direction, UUID callerAccountId, UUID callerLegAccount, UUID callerDeviceId,
        String callerNumber, String calleeKind, UUID calleeAccountId, String calleeNumber, UUID trunkDeviceId,
        UUID queueId) {

    public Dial(UUID callId, String direction, UUID callerAccountId, UUID callerLegAccount, UUID callerDeviceId,
            String callerNumber, String calleeKind, UUID calleeAccountId, String calleeNumber, UUID trunkDeviceId) {
        this(callId, direction, callerAccountId, callerLegAccount, callerDeviceId, callerNumber, calleeKind,
                calleeAccountId, calleeNumber, trunkDeviceId, null);
    }

    public static Dial internal(UUID callId, UUID caller, UUID device, UUID callee) {
        return new Dial(callId, "internal", caller, caller, device, null, "user", callee, null, null);
    }
}
