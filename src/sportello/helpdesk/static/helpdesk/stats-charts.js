// Draws a bar chart above each statistics table, from the table itself (the table stays as the
// accessible alternative). Without JavaScript or Chart.js only the tables show.
(function () {
  "use strict";
  function draw() {
    if (typeof window.Chart === "undefined") return;
    document.querySelectorAll("canvas[data-chart-for]").forEach(function (canvas) {
      var table = document.getElementById(canvas.dataset.chartFor);
      var labels = [], values = [];
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var head = row.querySelector("th"), cell = row.querySelector("td");
        if (!head || !cell) return;
        labels.push(head.textContent.trim());
        values.push(parseFloat(cell.textContent.replace(",", ".")) || 0);
      });
      if (!labels.length) return;
      canvas.parentElement.hidden = false;
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: labels, datasets: [{ label: canvas.getAttribute("aria-label"), data: values, backgroundColor: "#0066cc" }] },
        options: { animation: false, plugins: { legend: { display: false } } }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
