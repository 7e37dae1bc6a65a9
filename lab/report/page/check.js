// Runs in the browser after the page is parsed: proves the page shows what its data says,
// so a headless test (tests/report) can trust one flag instead of re-parsing the HTML.
// Counts: one grid cell per check (data-cells comes from the JSON), and in every plot one
// point marker per data point (gnuplot draws each marker as an SVG <use> inside the group
// of its plot; legends are HTML, so no marker belongs to a key).
(function () {
  "use strict";
  var problems = [];
  var grid = document.getElementById("verdict-grid");
  if (!grid) {
    problems.push("verdict grid missing");
  } else {
    var want = Number(grid.dataset.cells);
    var cells = grid.querySelectorAll("td.cell").length;
    grid.dataset.cellsFound = String(cells);
    if (cells !== want) problems.push("grid: " + cells + " cells for " + want + " checks");
  }
  var figures = document.querySelectorAll("figure.plot");
  figures.forEach(function (fig) {
    var want = Number(fig.dataset.points);
    var markers = fig.querySelectorAll("svg g[id*='gnuplot_plot_'] use").length;
    fig.dataset.markers = String(markers);
    if (markers !== want) problems.push(fig.id + ": " + markers + " markers for " + want + " data points");
    if (want > 0 && !fig.querySelector("svg")) problems.push(fig.id + ": no SVG");
  });
  // Offline by construction: nothing may point outside the document.
  document.querySelectorAll("[src], link[href], script[src], img").forEach(function (el) {
    problems.push("external reference: " + el.outerHTML.slice(0, 80));
  });
  var out = document.getElementById("render-check");
  if (problems.length) {
    problems.forEach(function (p) { console.error("render check: " + p); });
    out.className = "failed";
    out.textContent = "Render check FAILED: " + problems.join("; ");
  } else {
    out.textContent = "Render check: " + (grid ? grid.dataset.cellsFound : 0) + " grid cells, " +
      figures.length + " plots, every data point drawn.";
  }
  // For check-page.sh: how tall a screenshot must be to hold the whole page.
  document.body.dataset.pageHeight = String(document.documentElement.scrollHeight + 16);
  document.body.dataset.renderOk = problems.length ? "0" : "1";
})();
