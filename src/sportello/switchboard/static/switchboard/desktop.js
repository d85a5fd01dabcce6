// Agent desktop: WebSocket to the engine (docs/agent-interface.md) and WebRTC audio.
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("desktop-strings").textContent);
  const $ = (id) => document.getElementById(id);
  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_, k) => values[k]).replace("%%", "%");
  let ws = null;
  let retry = 1000;
  let offer = null;       // the ringing or connected call
  let pc = null;
  let stream = null;
  let stateSince = Date.now();
  let statsTimer = null;
  let fresh = false;      // the first state after a (re)connect tells which call the engine has

  function announce(text) {
    $("announcer").textContent = "";
    window.setTimeout(() => { $("announcer").textContent = text; }, 50);
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    ws = new WebSocket(scheme + "://" + location.host + "/ws/agent/");
    ws.onopen = () => { retry = 1000; fresh = true; $("connection").textContent = T.connected; };
    ws.onmessage = (event) => handle(JSON.parse(event.data));
    ws.onclose = () => {
      // The call's audio does not go through this socket: it survives a reconnect.
      $("connection").textContent = T.reconnecting;
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  function handle(message) {
    document.dispatchEvent(new CustomEvent("desktop:message", { detail: message }));
    if (message.type === "agent.state") { recover(message); showState(message.state, message.reason); }
    else if (message.type === "agent.offer" && (message.transferred || message.resumed)) takeOver(message);
    else if (message.type === "agent.offer") ring(message);
    else if (message.type === "agent.cancel") cancelled(message);
    else if (message.type === "agent.hangup") ended(message);
    else if (message.type === "agent.consult_end") consultEnded(message);
  }

  // What ended or stopped ringing while the socket was down is closed here.
  function recover(message) {
    if (!fresh) return;
    fresh = false;
    if (offer && pc && message.call !== offer.call) ended({ call: offer.call });
    else if (offer && !pc && message.state !== "ringing") cancelled({ call: offer.call });
  }

  function showState(state, reason) {
    const label = T[state] || state;
    if ($("current-state").dataset.state !== state) stateSince = Date.now();
    $("current-state").dataset.state = state;
    $("current-state").textContent = reason && state === "paused" ? label + " (" + reason + ")" : label;
    if (["available", "paused", "offline"].includes(state)) $("state").value = state;
  }

  function tick() {
    const s = Math.floor((Date.now() - stateSince) / 1000);
    $("state-time").textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function show(ids, visible) { ids.forEach((id) => { $(id).hidden = !visible; }); }

  function showDetails(message) {
    $("call-caller").textContent = message.caller || "–";
    $("call-queue").textContent = message.queue;
    $("call-language").textContent = message.language;
    $("call-waited").textContent = message.waited + " s";
  }

  function ring(message) {
    offer = message;
    showDetails(message);
    show(["call-details", "answer", "reject"], true);
    show(["no-call", "wrap-up"], false);
    // A consultation: a colleague asks about this caller, who is on hold meanwhile.
    const text = message.consult ? T.consult : T.incoming;
    announce(fmt(text, { caller: message.caller, queue: message.queue, waited: message.waited }));
    $("ring-tone").play().catch(() => {});
    $("answer").focus();
    if (message.outbound) answer();  // the agent's own click-to-dial call
  }

  function stopRing() { $("ring-tone").pause(); $("ring-tone").currentTime = 0; }

  function cancelled(message) {
    if (!offer || offer.call !== message.call || pc) return;
    stopRing();
    offer = null;
    show(["call-details", "answer", "reject"], false);
    show(["no-call"], true);
    announce(T.cancelled);
  }

  function iceGathered(peer) {
    if (peer.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      peer.addEventListener("icegatheringstatechange", () => {
        if (peer.iceGatheringState === "complete") resolve();
      });
      window.setTimeout(resolve, 3000);
    });
  }

  function microphone() {
    const mic = localStorage.getItem("sportello.microphone");  // chosen in devices.js
    return navigator.mediaDevices.getUserMedia({ audio: mic ? { deviceId: mic } : true });
  }

  // A peer connection sending `stream` and playing what it receives in `audio`.
  function openPeer(stream, audio) {
    const peer = new RTCPeerConnection({ iceServers: JSON.parse($("ice-servers").textContent) });
    peer.ontrack = (event) => { audio.srcObject = event.streams[0] || new MediaStream([event.track]); };
    stream.getTracks().forEach((track) => peer.addTrack(track, stream));
    return peer;
  }

  // transfer.js's consultation leg is made the same way.
  window.sportelloWebrtc = { microphone: microphone, openPeer: openPeer, iceGathered: iceGathered };

  async function answer() {
    if (!offer || pc) return;
    stopRing();
    show(["answer", "reject"], false);
    try {
      stream = await microphone();
    } catch (error) {
      announce(T.noMicrophone);
      send({ type: "reject", call: offer.call });
      return;
    }
    pc = openPeer(stream, $("remote-audio"));
    window.sportelloPeer = pc;
    await pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
    // Be the DTLS server: the browser's checks may reach rtpengine before our answer does, and a
    // handshake started then fails; as server we wait for rtpengine, which then knows our keys.
    const local = await pc.createAnswer();
    await pc.setLocalDescription({ type: "answer", sdp: local.sdp.replace(/a=setup:active/g, "a=setup:passive") });
    await iceGathered(pc);
    send({ type: "answer", call: offer.call, sdp: pc.localDescription.sdp });
    show(["mute", "hold", "hangup", "keypad", "quality"], true);
    announce(T.connected_call);
    $("hangup").focus();
    statsTimer = window.setInterval(showQuality, 2000);
  }

  function reject() {
    if (!offer || pc) return;
    stopRing();
    send({ type: "reject", call: offer.call });
    cancelled({ call: offer.call });
  }

  function hangup() {
    if (offer && pc) send({ type: "hangup", call: offer.call });
  }

  function closePeer() {
    window.clearInterval(statsTimer);
    if (pc) pc.close();
    if (stream) stream.getTracks().forEach((track) => track.stop());
    pc = null; stream = null;
  }

  // A new peer connection to the caller: the consultation this desk answered became its call
  // (transferred), or this desk's transfer failed and its call came back to it (resumed).
  function takeOver(message) {
    if (!offer || offer.call !== message.call || Boolean(offer.consult) !== Boolean(message.transferred)) return;
    closePeer();
    offer = message;
    showDetails(message);
    answer();
  }

  // The consultation ended without the call (cancelled, the caller left, or this desk did not
  // take the call in time): no wrap-up.
  function consultEnded(message) {
    if (!offer || !(offer.consult || offer.transferred) || offer.call !== message.call) return;
    stopRing();
    closePeer();
    offer = null;
    show(["answer", "reject", "mute", "hold", "hangup", "keypad", "quality", "call-details"], false);
    show(["no-call"], true);
    announce(T.consultEnded);
  }

  function ended(message) {
    if (!offer || offer.call !== message.call) return;
    stopRing();
    closePeer();
    show(["answer", "reject", "mute", "hold", "hangup", "keypad", "quality", "call-details"], false);
    show(["no-call", "wrap-up"], true);
    $("wrap-call").value = message.call;
    const codes = Array.from($("wrap-code").options).filter((o) => o.id !== "wrap-none");
    codes.forEach((option) => {
      option.hidden = String(offer.queue_id) !== option.dataset.queue;
    });
    // The queue needs an outcome when one of its codes is marked required; an agent's own
    // outbound call has no queue and so needs none.
    const needed = codes.some((o) => !o.hidden && o.dataset.required);
    const first = codes.find((o) => !o.hidden);
    $("wrap-none").hidden = needed;
    $("wrap-code").value = needed && first ? first.value : "";
    $("wrap-code").required = needed;
    offer = null;
    announce(T.ended);
    $("wrap-code").focus();
  }

  function toggleMute() {
    if (!stream) return;
    const track = stream.getAudioTracks()[0];
    track.enabled = !track.enabled;
    $("mute").setAttribute("aria-pressed", String(!track.enabled));
    $("mute").textContent = track.enabled ? T.mute : T.unmute;
  }

  function toggleHold() {
    if (!pc || !offer) return;
    const held = $("hold").getAttribute("aria-pressed") !== "true";
    send({ type: held ? "hold" : "unhold", call: offer.call });
    $("hold").setAttribute("aria-pressed", String(held));
    $("hold").textContent = held ? T.resume : T.hold;
  }

  function dtmf(digit) {
    const sender = pc && pc.getSenders().find((s) => s.dtmf);
    // insertDTMF replaces the tones not yet sent: keep them, or fast typing loses digits.
    if (sender) sender.dtmf.insertDTMF(sender.dtmf.toneBuffer + digit, 120, 70);
  }

  let poorAnnounced = false;

  async function showQuality() {
    if (!pc) return;
    let loss = 0, jitter = 0, rtt = 0;
    (await pc.getStats()).forEach((report) => {
      if (report.type === "inbound-rtp" && report.kind === "audio") {
        const total = report.packetsReceived + report.packetsLost;
        loss = total ? (100 * report.packetsLost) / total : 0;
        jitter = (report.jitter || 0) * 1000;
      }
      if (report.type === "candidate-pair" && report.nominated && report.currentRoundTripTime) {
        rtt = report.currentRoundTripTime * 1000;
      }
    });
    // Above these the ITU-T G.114/G.107 figures say a call is noticeably worse.
    const poor = loss > 3 || jitter > 40 || rtt > 300;
    $("quality").textContent = fmt(T.quality, {
      loss: loss.toFixed(1), jitter: jitter.toFixed(0), rtt: rtt.toFixed(0),
    }) + (poor ? " · " + T.poorQuality : "");
    $("quality").classList.toggle("text-danger", poor);
    if (poor && !poorAnnounced) announce(T.poorQuality);
    poorAnnounced = poor;
  }

  async function saveWrapUp(event) {
    event.preventDefault();
    const form = $("wrap-form");
    const response = await fetch(form.action, { method: "POST", body: new FormData(form) });
    const result = await response.json();
    $("wrap-status").textContent = result.message || result.error;
    if (result.ok) $("wrap-up").hidden = true;
  }

  function changeState(event) {
    event.preventDefault();
    send({ type: "state", state: $("state").value, reason: $("pause-reason").value });
  }

  function setState(state) {
    $("state").value = state;
    send({ type: "state", state: state, reason: $("pause-reason").value });
  }

  const SHORTCUTS = {
    KeyA: answer, KeyR: reject, KeyH: hangup, KeyM: toggleMute, KeyO: toggleHold,
    KeyV: () => setState("available"), KeyP: () => setState("paused"), KeyL: () => setState("offline"),
    KeyS: () => { if (!$("wrap-up").hidden) $("wrap-form").requestSubmit(); },
    KeyK: () => { const key = document.querySelector("#keypad:not([hidden]) [data-digit]"); if (key) key.focus(); },
  };
  document.addEventListener("desktop:send", (event) => send(event.detail));
  $("keypad").addEventListener("keydown", (event) => {
    if (/^[0-9*#]$/.test(event.key)) { event.preventDefault(); dtmf(event.key); }
  });
  document.addEventListener("keydown", (event) => {
    const action = event.altKey && SHORTCUTS[event.code];
    if (action) { event.preventDefault(); action(); }
  });
  $("answer").addEventListener("click", answer);
  $("reject").addEventListener("click", reject);
  $("hangup").addEventListener("click", hangup);
  $("mute").addEventListener("click", toggleMute);
  $("hold").addEventListener("click", toggleHold);
  document.querySelectorAll("[data-digit]").forEach((button) => {
    button.addEventListener("click", () => dtmf(button.dataset.digit));
  });
  $("wrap-form").addEventListener("submit", saveWrapUp);
  $("state-form").addEventListener("submit", changeState);
  window.setInterval(tick, 1000);
  connect();
})();
