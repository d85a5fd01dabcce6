// Headset choice and a local test call: the microphone goes through a pair of peer connections
// limited to G.711 (what a caller hears) and back to the chosen speaker, with a level meter.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const MIC = "sportello.microphone";
  const SPEAKER = "sportello.speaker";
  const canChooseSpeaker = "setSinkId" in HTMLMediaElement.prototype;
  let test = null;

  async function listDevices() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const devices = await navigator.mediaDevices.enumerateDevices();
    fill($("microphone"), devices.filter((d) => d.kind === "audioinput"), localStorage.getItem(MIC));
    fill($("speaker"), devices.filter((d) => d.kind === "audiooutput"), localStorage.getItem(SPEAKER));
  }

  function fill(select, devices, chosen) {
    Array.from(select.options).slice(1).forEach((option) => option.remove());
    devices.forEach((device, n) => {
      if (!device.deviceId || device.deviceId === "default") return;
      select.add(new Option(device.label || select.options[0].text + " " + (n + 1), device.deviceId));
    });
    select.value = Array.from(select.options).some((o) => o.value === chosen) ? chosen : "";
  }

  function applySpeaker() {
    if (!canChooseSpeaker) return;
    const id = localStorage.getItem(SPEAKER) || "";
    ["remote-audio", "ring-tone", "test-audio"].forEach((element) => {
      if ($(element)) $(element).setSinkId(id).catch(() => {});
    });
  }

  function onlyG711(transceiver) {
    if (!window.RTCRtpSender || !RTCRtpSender.getCapabilities || !transceiver.setCodecPreferences) return;
    const codecs = RTCRtpSender.getCapabilities("audio").codecs
      .filter((c) => ["audio/PCMA", "audio/PCMU"].includes(c.mimeType));
    if (codecs.length) transceiver.setCodecPreferences(codecs);
  }

  async function loop(stream) {
    const sender = new RTCPeerConnection();
    const receiver = new RTCPeerConnection();
    sender.onicecandidate = (e) => { if (e.candidate) receiver.addIceCandidate(e.candidate).catch(() => {}); };
    receiver.onicecandidate = (e) => { if (e.candidate) sender.addIceCandidate(e.candidate).catch(() => {}); };
    const heard = new Promise((resolve) => { receiver.ontrack = (e) => resolve(new MediaStream([e.track])); });
    onlyG711(sender.addTransceiver(stream.getAudioTracks()[0], { direction: "sendonly", streams: [stream] }));
    await sender.setLocalDescription(await sender.createOffer());
    await receiver.setRemoteDescription(sender.localDescription);
    await receiver.setLocalDescription(await receiver.createAnswer());
    await sender.setRemoteDescription(receiver.localDescription);
    return { peers: [sender, receiver], heard: await heard };
  }

  function meter(heard) {
    const audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    audio.createMediaStreamSource(heard).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      const rms = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
      const level = Math.min(1, rms * 4);
      $("test-level").value = level;
      $("test-level").dataset.peak = Math.max(Number($("test-level").dataset.peak || 0), level).toFixed(3);
    }, 100);
    return { audio, timer };
  }

  async function startTest() {
    const button = $("test-call");
    let stream;
    try {
      stream = await window.sportelloWebrtc.microphone();  // desktop.js: the chosen microphone
    } catch (error) {
      $("test-status").textContent = button.dataset.failed;
      return;
    }
    const { peers, heard } = await loop(stream);
    $("test-audio").srcObject = heard;  // Chromium feeds Web Audio a remote track only once played
    applySpeaker();
    test = { stream, peers, ...meter(heard) };
    button.setAttribute("aria-pressed", "true");
    button.textContent = button.dataset.stop;
    $("test-status").textContent = button.dataset.running;
    listDevices();  // labels are known once the microphone was allowed
  }

  function stopTest() {
    const button = $("test-call");
    window.clearInterval(test.timer);
    test.audio.close();
    test.peers.forEach((peer) => peer.close());
    test.stream.getTracks().forEach((track) => track.stop());
    $("test-audio").srcObject = null;
    $("test-level").value = 0;
    test = null;
    button.setAttribute("aria-pressed", "false");
    button.textContent = button.dataset.start;
    $("test-status").textContent = "";
  }

  function toggleTest() { if (test) stopTest(); else startTest(); }

  $("microphone").addEventListener("change", (event) => {
    localStorage.setItem(MIC, event.target.value);
    if (test) { stopTest(); startTest(); }
  });
  $("speaker").addEventListener("change", (event) => {
    localStorage.setItem(SPEAKER, event.target.value);
    applySpeaker();
  });
  if (!canChooseSpeaker) { $("speaker").disabled = true; $("speaker-note").hidden = false; }
  $("test-call").addEventListener("click", toggleTest);
  document.addEventListener("keydown", (event) => {
    if (event.altKey && event.code === "KeyE") { event.preventDefault(); toggleTest(); }
  });
  if (navigator.mediaDevices) navigator.mediaDevices.addEventListener("devicechange", listDevices);
  listDevices();
  applySpeaker();
})();
