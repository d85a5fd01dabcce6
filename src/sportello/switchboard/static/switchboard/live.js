// Supervisors' live view: refresh the tables when the engine announces a change.
(function () {
  "use strict";
  const tables = document.getElementById("live-tables");
  const status = document.getElementById("live-status");
  let pending = null;
  let retry = 1000;

  function refresh() {
    pending = null;
    if (tables.contains(document.activeElement) && document.activeElement.tagName === "SELECT") return;
    fetch(tables.dataset.source, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => { if (html !== null) tables.innerHTML = html; });
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(scheme + "://" + location.host + "/ws/supervisor/");
    ws.onopen = () => { retry = 1000; status.textContent = ""; };
    ws.onmessage = () => { if (!pending) pending = window.setTimeout(refresh, 500); };
    ws.onclose = () => {
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }
  connect();
})();
