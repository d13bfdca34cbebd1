package io.ucp.signaling.call;

import io.quarkus.logging.Log;
import io.ucp.signaling.media.DtmfDetected;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** In-band DTMF seen by the media relay reaches the call's other devices as the device channel's {@code dtmf}. */
@ApplicationScoped
class MediaDtmfRelay {

    private final CallService calls;

    MediaDtmfRelay(CallService calls) {
        this.calls = calls;
    }

    void detected(@Observes DtmfDetected event) {
        calls.dtmfFromDevice(event.callId(), event.deviceId(), event.digit()).subscribe().with(ok -> { },
                e -> Log.debugf("DTMF of call %s not relayed: %s", event.callId(), e.getMessage()));
    }
}
