// A browser softphone on UCP's device channel, as a web client would write it: call control and WebRTC
// signaling (SDP offer/answer, trickled ICE) go through /v1/devices/channel; media flows peer to peer.
// Only loopback ICE candidates are sent, so the media path stays on 127.0.0.1 (the tests' rule).
window.ucpPhone = (() => {
  const phone = { ws: null, pc: null, pending: [], log: [], connection: 'new' };

  const send = msg => phone.ws.send(JSON.stringify(msg));
  const loopback = c => / 127\.0\.0\.1 /.test(c.candidate);

  function peer(callId) {
    if (phone.pc) {
      return phone.pc;
    }
    const pc = new RTCPeerConnection();
    pc.onicecandidate = e => {
      if (e.candidate && loopback(e.candidate)) {
        send({ type: 'ice', callId, candidate: e.candidate.toJSON() });
      }
    };
    pc.onconnectionstatechange = () => {
      phone.connection = pc.connectionState;
      phone.log.push('pc:' + pc.connectionState);
    };
    phone.pc = pc;
    return pc;
  }

  async function microphone(pc) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    stream.getTracks().forEach(track => pc.addTrack(track, stream));
  }

  async function addPendingCandidates() {
    for (const candidate of phone.pending.splice(0)) {
      await phone.pc.addIceCandidate(candidate);
    }
  }

  async function onMessage(msg) {
    phone.log.push(msg.type);
    if (msg.type === 'call.offer') {
      // Auto-answer: the user picked up.
      send({ type: 'answer', callId: msg.callId, ref: 'pick-up' });
    } else if (msg.type === 'sdp') {
      const pc = peer(msg.callId);
      await pc.setRemoteDescription(msg.description);
      if (msg.description.type === 'offer') {
        await microphone(pc);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        send({ type: 'sdp', callId: msg.callId, description: { type: answer.type, sdp: answer.sdp } });
      }
      await addPendingCandidates();
    } else if (msg.type === 'ice') {
      if (phone.pc && phone.pc.remoteDescription) {
        await phone.pc.addIceCandidate(msg.candidate);
      } else {
        phone.pending.push(msg.candidate);
      }
    } else if (msg.type === 'error') {
      phone.log.push('error:' + msg.status + ':' + msg.detail);
    }
  }

  phone.connect = url => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    phone.ws = ws;
    let order = Promise.resolve();
    ws.onmessage = e => {
      const msg = JSON.parse(e.data);
      if (msg.type === 'ready') {
        resolve('ready');
      }
      // One message at a time, in arrival order (an ICE candidate must not overtake the SDP before it).
      order = order.then(() => onMessage(msg)).catch(err => phone.log.push('failed:' + err));
    };
    ws.onerror = () => reject(new Error('device channel refused the connection'));
  });

  // The caller's side once the call exists: microphone on, SDP offer out.
  phone.dial = async callId => {
    const pc = peer(callId);
    await microphone(pc);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    send({ type: 'sdp', callId, description: { type: offer.type, sdp: offer.sdp } });
    return 'offered';
  };

  phone.status = async () => {
    const status = { connection: phone.connection, audioBytesReceived: 0, route: null, log: phone.log.join(' ') };
    if (phone.pc) {
      const stats = await phone.pc.getStats();
      stats.forEach(r => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          status.audioBytesReceived += r.bytesReceived;
        }
        if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
          const local = stats.get(r.localCandidateId);
          const remote = stats.get(r.remoteCandidateId);
          status.route = (local.address || local.ip) + '->' + (remote.address || remote.ip);
        }
      });
    }
    return JSON.stringify(status);
  };
  return phone;
})();
'loaded';
