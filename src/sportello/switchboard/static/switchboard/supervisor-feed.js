// Supervisors' pages follow the engine's events on /ws/supervisor/ (docs/agent-interface.md).
// An event only says "something changed": the page re-reads its own figures, at most one read
// in flight and one more queued, so a burst of events costs two requests. A slow poll covers a
// lost event; while the socket is down the page polls faster and reconnects with backoff.
(function () {
  "use strict";
  var THROTTLE_MS = 200;
  var FIRST_RETRY_MS = 1000;
  var MAX_RETRY_MS = 30000;

  // options: refresh() -> Promise (false: not now, try again soon), status (element with
  // data-live / data-reconnecting texts), pollSeconds, offlinePollSeconds.
  window.sportelloFeed = function (options) {
    var status = options.status;
    var live = false;
    var busy = false;
    var queued = false;
    var soonTimer = null;
    var pollTimer = null;
    var dueTimer = null;
    var retry = FIRST_RETRY_MS;

    function pollDelay() {
      return 1000 * (live ? options.pollSeconds : options.offlinePollSeconds);
    }

    function schedulePoll() {
      window.clearTimeout(pollTimer);
      pollTimer = window.setTimeout(run, pollDelay());
    }

    function run() {
      soonTimer = null;
      if (busy) { queued = true; return; }
      busy = true;
      schedulePoll();
      Promise.resolve()
        .then(options.refresh)
        .catch(function () { return true; })
        .then(function (done) {
          busy = false;
          if (done === false) { window.setTimeout(run, 1000); return; }
          if (queued) { queued = false; soon(); }
        });
    }

    function soon(delay) {
      if (soonTimer === null) soonTimer = window.setTimeout(run, delay === undefined ? THROTTLE_MS : delay);
    }

    function setLive(value) {
      live = value;
      var text = value ? status.dataset.live : status.dataset.reconnecting;
      status.hidden = false;
      status.dataset.state = value ? "live" : "reconnecting";
      if (status.textContent !== text) status.textContent = text;
      schedulePoll();
    }

    function reconnect() {
      if (live || status.dataset.state !== "reconnecting") setLive(false);
      // jitter spreads the wallboards of a whole room after a server restart
      window.setTimeout(connect, retry * (0.8 + 0.4 * Math.random()));
      retry = Math.min(retry * 2, MAX_RETRY_MS);
    }

    function connect() {
      var scheme = location.protocol === "https:" ? "wss" : "ws";
      var socket;
      try {
        socket = new WebSocket(scheme + "://" + location.host + "/ws/supervisor/");
      } catch (e) {
        reconnect();
        return;
      }
      socket.onopen = function () {
        retry = FIRST_RETRY_MS;
        setLive(true);
        soon(0); // catch up with what happened while the socket was down
      };
      socket.onmessage = function () { soon(); };
      socket.onclose = reconnect;
    }

    if (!window.WebSocket) {
      setLive(false);
    } else {
      connect();
    }
    schedulePoll();
    return {
      // one refresh at a known moment (a wait crossing a threshold); replaces the previous one
      refreshIn: function (ms) {
        window.clearTimeout(dueTimer);
        if (ms !== null) dueTimer = window.setTimeout(function () { soon(0); }, ms);
      },
    };
  };
})();
