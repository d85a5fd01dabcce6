// Draws the report chart from the JSON data island; the table stays the accessible alternative.
(function () {
  "use strict";
  var COLOURS = ["#0066cc", "#008055", "#cc334d"];
  function draw() {
    var island = document.getElementById("report-chart-data");
    var canvas = document.getElementById("report-chart");
    if (!island || !canvas || typeof window.Chart === "undefined") return;
    var data = JSON.parse(island.textContent);
    if (!data.labels.length) return;
    canvas.parentElement.hidden = false;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: { animation: false, responsive: true }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
