package io.ucp.signaling.sip;

import javax.sip.Dialog;

/**
 * Hold state of one answered SIP dialog with a phone or trunk: the dialog, the session description we last gave the
 * other end (our offer or our answer, through rtpengine), the direction we last asked for, and whether the phone
 * itself put the call on hold (then it also takes it off; we do not re-INVITE it meanwhile).
 */
final class DialogHold {

    volatile Dialog dialog;
    volatile String localSdp;
    volatile String direction = SdpDirection.SENDRECV;
    volatile boolean heldByPeer;
}
