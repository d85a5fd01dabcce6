// Progressive enhancement: next to each time shown in Italian time, add the visitor's own
// local time when their browser is in another time zone. Without JavaScript nothing changes.
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === "Europe/Rome") { return; }
  var lang = document.documentElement.lang || undefined;
  document.querySelectorAll("time[datetime][data-local-label]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when.getTime())) { return; }
    var span = document.createElement("span");
    span.className = "text-muted";
    span.textContent = " · " + el.getAttribute("data-local-label") + ": " +
      when.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    var note = el.nextElementSibling;
    el.parentNode.insertBefore(span, note ? note.nextSibling : null);
  });
})();
