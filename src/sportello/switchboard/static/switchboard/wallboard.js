// Refreshes the server-rendered wallboard from its JSON endpoint every 5 seconds.
(function () {
  "use strict";
  var root = document.getElementById("wallboard");
  if (!root || !window.fetch) return;
  function set(el, value) { if (el) el.textContent = value === null ? "–" : String(value); }
  function status(el, s) {
    if (!el) return;
    el.className = "status status-" + s.level;
    set(el.querySelector(".status-text"), s.label);
  }
  function update(data) {
    set(root.querySelector("[data-updated]"), data.updated);
    data.queues.forEach(function (q) {
      var card = root.querySelector('[data-queue="' + CSS.escape(q.code) + '"]');
      if (!card) return;
      ["waiting", "longest_wait", "service_level", "offered", "answered", "abandoned", "asa", "aht"]
        .forEach(function (f) { set(card.querySelector('[data-field="' + f + '"]'), q[f]); });
      status(card.querySelector('[data-status="wait_status"]'), q.wait_status);
      status(card.querySelector('[data-status="sl_status"]'), q.sl_status);
      Object.keys(q.agents).forEach(function (state) {
        set(card.querySelector('[data-agents="' + state + '"]'), q.agents[state]);
      });
    });
  }
  function tick() {
    fetch(root.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) update(data); })
      .catch(function () {})
      .finally(function () { window.setTimeout(tick, 5000); });
  }
  var full = root.querySelector("[data-fullscreen]");
  if (full && root.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () { root.requestFullscreen(); });
  }
  window.setTimeout(tick, 5000);
})();
