// Supervisors' live view: re-read the tables on every engine event (supervisor-feed.js).
(function () {
  "use strict";
  var tables = document.getElementById("live-tables");
  if (!tables || !window.fetch || !window.sportelloFeed) return;

  // Keyboard users keep their place: the control they were on is focused again after a read.
  function focusKey() {
    var el = document.activeElement;
    if (!el || !tables.contains(el)) return null;
    var row = el.closest("[data-agent]");
    return row ? { agent: row.dataset.agent, tag: el.tagName } : null;
  }

  function refresh() {
    var active = document.activeElement;
    if (active && tables.contains(active) && active.tagName === "SELECT") return false;
    return fetch(tables.dataset.source, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var key = focusKey();
        tables.innerHTML = html;
        if (!key) return;
        var again = tables.querySelector('[data-agent="' + CSS.escape(key.agent) + '"] ' + key.tag);
        if (again) again.focus();
      });
  }

  window.sportelloFeed({
    refresh: refresh,
    status: document.getElementById("live-status"),
    pollSeconds: parseFloat(tables.dataset.poll) || 30,
    offlinePollSeconds: parseFloat(tables.dataset.offlinePoll) || 5,
  });
})();
