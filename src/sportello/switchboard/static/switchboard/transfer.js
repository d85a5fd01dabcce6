// Transfer panel of the agent desktop (docs/agent-interface.md, "Transfers"): blind ("Transfer
// now") or attended ("Consult first", then "Complete transfer" or "Cancel transfer"). It talks to
// the engine through desktop.js's socket: "desktop:message" in, "desktop:send" out. While
// consulting, the agent talks to the target over a second peer connection.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const status = $("transfer-status");
  let offered = null;   // the call ringing or connected, from agent.offer
  let call = null;      // the connected call's id
  let consult = null;   // { pc, stream } while consulting in the browser

  function send(message) {
    document.dispatchEvent(new CustomEvent("desktop:send", { detail: message }));
  }

  function say(key) {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = status.dataset[key] || key; }, 50);
  }

  function target() {
    return document.querySelector("input[name='transfer-target']:checked").value;
  }

  function showTarget() {
    document.querySelectorAll("#transfer [data-target]").forEach((box) => {
      box.hidden = box.dataset.target !== target();
    });
  }

  function fill(select, items) {
    const chosen = select.value;
    select.replaceChildren();
    if (!items.length && select.dataset.empty) select.add(new Option(select.dataset.empty, ""));
    items.forEach((item) => select.add(new Option(item.name, String(item.id))));
    if (items.some((item) => String(item.id) === chosen)) select.value = chosen;
  }

  function consulting(active, answered) {
    $("transfer-now").hidden = active;
    $("transfer-consult").hidden = active;
    $("transfer-complete").hidden = !active;
    $("transfer-complete").disabled = !answered;
    $("transfer-cancel").hidden = !active;
    document.querySelectorAll("#transfer-form fieldset input, #transfer-form select, #transfer-number")
      .forEach((input) => { input.disabled = active; });
  }

  function open() {
    if (!call) return;
    $("transfer").hidden = false;
    send({ type: "targets" });
    const first = document.querySelector("input[name='transfer-target']:checked");
    first.focus();
  }

  function close() {
    endConsultation();
    consulting(false, false);
    $("transfer").hidden = true;
  }

  function request(kind) {
    if (!call) { say("no_call"); return; }
    const message = { type: kind, call: call, target: target() };
    if (message.target === "number") message.number = $("transfer-number").value.trim();
    else message[message.target] = Number($("transfer-" + message.target).value) || 0;
    if (message.target !== "number" && !message[message.target]) { say("bad_target"); return; }
    if (message.target === "number" && !message.number) { say("bad_number"); return; }
    send(message);
    if (kind === "consult") { consulting(true, false); say("ringing"); }
  }

  // -- the consultation leg in the browser (the engine asks for our offer once the target answers)

  async function startConsultation(message) {
    endConsultation();
    const webrtc = window.sportelloWebrtc;  // from desktop.js
    const stream = await webrtc.microphone();
    const pc = webrtc.openPeer(stream, $("consult-audio"));
    consult = { pc: pc, stream: stream };
    window.sportelloConsultPeer = pc;
    await pc.setLocalDescription(await pc.createOffer());
    await webrtc.iceGathered(pc);
    send({ type: "consult_offer", call: message.call, sdp: pc.localDescription.sdp });
  }

  async function consultAnswered(message) {
    if (consult) await consult.pc.setRemoteDescription({ type: "answer", sdp: message.sdp });
  }

  function endConsultation() {
    if (!consult) return;
    consult.pc.close();
    consult.stream.getTracks().forEach((track) => track.stop());
    consult = null;
    window.sportelloConsultPeer = null;
  }

  function progress(message) {
    if (message.status === "refused") {
      consulting(false, false);
      say(message.reason);
    } else if (message.status === "ringing") {
      consulting(true, false);
      say("ringing");
    } else if (message.status === "answered") {
      consulting(true, true);
      say("answered");
      $("transfer-complete").focus();
    } else {
      endConsultation();
      consulting(false, false);
      say(message.status);
    }
  }

  function handle(message) {
    if (message.type === "agent.offer") offered = message;
    else if (message.type === "agent.state" && message.state === "on_call") {
      call = message.call || (offered && offered.call) || call;
      if (call) { $("transfer").hidden = false; send({ type: "targets" }); }
    } else if (message.type === "agent.hangup" && message.call === call) {
      if (message.reason === "transferred") say("transferred");
      call = null;
      close();
    } else if (message.type === "agent.targets") {
      fill($("transfer-agent"), message.agents);
      fill($("transfer-queue"), message.queues);
    } else if (message.type === "agent.transfer") progress(message);
    else if (message.type === "agent.consult") startConsultation(message).catch(() => send({ type: "transfer_cancel", call: message.call }));
    else if (message.type === "agent.consult_answer") consultAnswered(message);
    else if (message.type === "agent.consult_end") endConsultation();
  }

  document.addEventListener("desktop:message", (event) => handle(event.detail));
  document.querySelectorAll("input[name='transfer-target']").forEach((radio) => {
    radio.addEventListener("change", () => { showTarget(); if (target() !== "number") send({ type: "targets" }); });
  });
  $("transfer-agent").addEventListener("focus", () => send({ type: "targets" }));  // who is free now
  $("transfer-form").addEventListener("submit", (event) => { event.preventDefault(); request("transfer"); });
  $("transfer-consult").addEventListener("click", () => request("consult"));
  $("transfer-complete").addEventListener("click", () => send({ type: "transfer_complete", call: call }));
  $("transfer-cancel").addEventListener("click", () => send({ type: "transfer_cancel", call: call }));
  document.addEventListener("keydown", (event) => {
    if (event.altKey && event.code === "KeyT") { event.preventDefault(); open(); }
  });
  showTarget();
})();
