package io.ucp.signaling.media;

/**
 * One offer/answer exchange of a call's media. {@code fromTag}/{@code toTag} name the two sides (the SIP dialog's
 * tags, or any stable ids of the two parties); {@code toTag} may be null in an offer. The profiles say what each
 * side speaks: the offerer's SDP is taken as it is, and each SDP rtpengine hands out is shaped for the side that
 * receives it (the answerer's profile for an offer, the offerer's for an answer). {@code branch} (nullable) tells
 * apart the forks of one offer — one caller ringing several phones at once — so each fork gets media of its own and
 * the one that answers keeps it (rtpengine's {@code via-branch}).
 */
public record MediaLeg(String callId, String fromTag, String toTag, Profile offererProfile, Profile answererProfile,
        String branch) {

    public MediaLeg {
        if (callId == null || callId.isBlank() || fromTag == null || fromTag.isBlank()) {
            throw new IllegalArgumentException("callId and fromTag are required");
        }
        if (offererProfile == null || answererProfile == null) {
            throw new IllegalArgumentException("both profiles are required");
        }
    }

    /** An exchange that is not forked. */
    public MediaLeg(String callId, String fromTag, String toTag, Profile offererProfile, Profile answererProfile) {
        this(callId, fromTag, toTag, offererProfile, answererProfile, null);
    }

    /** The same exchange once the answerer's tag is known. */
    public MediaLeg withToTag(String tag) {
        return new MediaLeg(callId, fromTag, tag, offererProfile, answererProfile, branch);
    }

    /** What an SDP body speaks: a secure AVPF profile with ICE is a browser, anything else plain RTP. */
    public static Profile profileOf(String sdp) {
        return sdp != null && sdp.contains("RTP/SAVPF") ? Profile.WEBRTC : Profile.RTP;
    }
}
