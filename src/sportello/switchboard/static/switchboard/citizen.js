// Screen pop and citizen search on the agent desktop; click-to-dial from a citizen's file.
// The file opens in another tab (the desktop keeps the call's audio), so the file asks the
// desktop to dial through a BroadcastChannel, and the desktop sends `dial` on its WebSocket.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("sportello-desktop") : null;

  function onDesktop() {
    const form = $("citizen-form");
    const results = $("citizen-panel");
    const choice = $("wrap-citizen");
    let call = "";

    function offerCitizens() {
      const keep = choice.value;
      Array.from(choice.options).slice(1).forEach((option) => option.remove());
      results.querySelectorAll("[data-citizen]").forEach((item) => {
        choice.add(new Option(item.dataset.name, item.dataset.citizen));
      });
      const found = results.querySelectorAll("[data-citizen]");
      if (Array.from(choice.options).some((o) => o.value === keep && keep)) choice.value = keep;
      else if (found.length === 1) choice.value = found[0].dataset.citizen;
    }

    async function load(params) {
      params.set("part", "1");
      if (call) params.set("call", call);
      const response = await fetch(form.action + "?" + params.toString(), { credentials: "same-origin" });
      results.innerHTML = await response.text();
      results.dataset.loaded = params.has("phone") ? "phone" : "search";
      offerCitizens();
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      load(new URLSearchParams({ q: $("citizen-query").value }));
    });
    document.addEventListener("desktop:message", (event) => {
      const message = event.detail;
      if (message.type === "dial.refused") {
        const status = $("citizen-status");
        status.textContent = status.dataset[message.reason] || status.dataset.failed;
      }
      if (message.type === "agent.offer" && !message.outbound) {
        call = message.call;
        choice.value = "";
        $("wrap-note").value = "";
        if (message.caller) load(new URLSearchParams({ phone: message.caller }));
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.altKey && event.code === "KeyC") { event.preventDefault(); $("citizen-query").focus(); }
      if (event.altKey && event.code === "KeyN" && !$("wrap-up").hidden) {
        event.preventDefault();
        $("wrap-note").focus();
      }
    });
    if (channel) {
      channel.onmessage = (event) => {
        if (event.data && event.data.type === "dial" && typeof event.data.number === "string") {
          document.dispatchEvent(new CustomEvent("desktop:send", { detail: { type: "dial", number: event.data.number } }));
          channel.postMessage({ type: "dialling", number: event.data.number });
        }
      };
    }
  }

  function onFile() {
    const button = $("dial-citizen");
    if (!button) return;
    const T = button.dataset;
    let waiting = null;
    function dial() {
      if (!channel) { $("dial-status").textContent = T.noDesktop; return; }
      channel.postMessage({ type: "dial", number: button.dataset.number });
      $("dial-status").textContent = "";
      waiting = window.setTimeout(() => { $("dial-status").textContent = T.noDesktop; }, 1500);
    }
    if (channel) {
      channel.onmessage = (event) => {
        if (event.data && event.data.type === "dialling") {
          window.clearTimeout(waiting);
          $("dial-status").textContent = T.dialling;
        }
      };
    }
    button.addEventListener("click", dial);
    document.addEventListener("keydown", (event) => {
      if (event.altKey && event.code === "KeyD") { event.preventDefault(); dial(); }
    });
  }

  if ($("citizen-form")) onDesktop();
  else onFile();
})();
