package io.ucp.signaling.media;

/** What one side of a call speaks. */
public enum Profile {
    /** A browser: UDP/TLS/RTP/SAVPF, ICE, DTLS-SRTP, rtcp-mux (opus and G.711). */
    WEBRTC,
    /** A SIP phone or trunk: plain RTP/AVP (PCMU, PCMA, opus, telephone-event), no ICE, separate RTCP port. */
    RTP
}
