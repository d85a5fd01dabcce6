// The wallboard re-reads its JSON figures on every engine event (supervisor-feed.js).
// Screen readers hear only a status that changes level (e.g. a wait turning to "Alert").
(function () {
  "use strict";
  var root = document.getElementById("wallboard");
  if (!root || !window.fetch || !window.sportelloFeed) return;
  var announcer = root.querySelector("[data-announce]");
  var agentRows = root.querySelector("[data-agent-rows]");
  var levels = {};
  var clocks = [];
  var receivedAt = Date.now();

  function set(el, value) {
    if (el) el.textContent = value === null || value === undefined ? "–" : String(value);
  }

  function clock(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var elapsed = Math.round((Date.now() - receivedAt) / 1000);
    clocks.forEach(function (c) { c.el.textContent = clock(c.seconds + elapsed); });
  }

  // Returns "<queue>, <figure>: <status>" when a status changed level since the last read.
  function status(card, key, s) {
    var el = card.querySelector('[data-status="' + key + '"]');
    if (!el) return null;
    el.className = "status status-" + s.level;
    set(el.querySelector(".status-text"), s.label);
    var id = card.dataset.queue + "/" + key;
    var before = levels[id];
    levels[id] = s.level;
    if (before === undefined || before === s.level) return null;
    return card.dataset.name + ", " + el.dataset.label + ": " + s.label;
  }

  function reasons(card, list) {
    var ul = card.querySelector("[data-paused-reasons]");
    if (!ul) return;
    ul.textContent = "";
    if (!list.length) list = [{ reason: ul.dataset.empty, agents: null }];
    list.forEach(function (r) {
      var li = document.createElement("li");
      li.textContent = r.agents === null ? r.reason : r.reason + ": ";
      if (r.agents !== null) {
        var n = document.createElement("strong");
        n.textContent = String(r.agents);
        li.appendChild(n);
      }
      ul.appendChild(li);
    });
  }

  function queue(q, changes) {
    var card = root.querySelector('[data-queue="' + CSS.escape(q.code) + '"]');
    if (!card) return;
    ["waiting", "longest_wait", "service_level", "offered", "answered", "abandoned", "asa", "aht"]
      .forEach(function (f) { set(card.querySelector('[data-field="' + f + '"]'), q[f]); });
    [status(card, "wait_status", q.wait_status), status(card, "sl_status", q.sl_status)]
      .forEach(function (c) { if (c) changes.push(c); });
    Object.keys(q.agents).forEach(function (state) {
      set(card.querySelector('[data-agents="' + state + '"]'), q.agents[state]);
    });
    reasons(card, q.paused_by_reason || []);
  }

  function cell(row, tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    row.appendChild(el);
    return el;
  }

  function agents(list) {
    if (!agentRows) return;
    agentRows.textContent = "";
    clocks = [];
    list.forEach(function (a) {
      var row = document.createElement("tr");
      row.dataset.agent = a.id;
      cell(row, "th", a.name).scope = "row";
      cell(row, "td", a.label).dataset.state = a.state;
      clocks.push({ el: cell(row, "td", clock(a.in_state)), seconds: a.in_state });
      cell(row, "td", String(a.handled));
      agentRows.appendChild(row);
    });
    if (!list.length) {
      var empty = agentRows.appendChild(document.createElement("tr"));
      cell(empty, "td", agentRows.dataset.empty).colSpan = 4;
    }
  }

  function update(data) {
    var changes = [];
    receivedAt = Date.now();
    set(root.querySelector("[data-updated]"), data.updated);
    data.queues.forEach(function (q) { queue(q, changes); });
    agents(data.agents || []);
    if (changes.length && announcer) announcer.textContent = changes.join(". ");
    var due = data.queues
      .map(function (q) { return q.next_status_change; })
      .filter(function (s) { return s !== null && s !== undefined; });
    feed.refreshIn(due.length ? 1000 * Math.min.apply(null, due) + 500 : null);
  }

  function refresh() {
    return fetch(root.dataset.source, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) update(data); });
  }

  // remember the levels the page was rendered with, so the first read announces real changes
  root.querySelectorAll("[data-queue]").forEach(function (card) {
    card.querySelectorAll("[data-status]").forEach(function (el) {
      var level = (el.className.match(/status-(\w+)/) || [])[1];
      levels[card.dataset.queue + "/" + el.dataset.status] = level;
    });
  });
  if (agentRows) {
    agentRows.querySelectorAll("[data-in-state]").forEach(function (el) {
      var seconds = parseInt(el.dataset.inState, 10);
      clocks.push({ el: el, seconds: seconds });
      el.textContent = clock(seconds);
    });
  }
  window.setInterval(tick, 1000);

  var feed = window.sportelloFeed({
    refresh: refresh,
    status: root.querySelector("[data-feed-status]"),
    pollSeconds: parseFloat(root.dataset.poll) || 30,
    offlinePollSeconds: parseFloat(root.dataset.offlinePoll) || 5,
  });

  var full = root.querySelector("[data-fullscreen]");
  if (full && root.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", function () { root.requestFullscreen(); });
  }
})();
