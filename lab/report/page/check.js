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
  // Kernel matrix: a trait row is flagged exactly when its known values differ, and a grid row
  // exactly when its verdicts do (recomputed here from what the page shows).
  var diff = document.getElementById("kernel-diff");
  if (diff) {
    var flagged = 0;
    diff.querySelectorAll("tr.trait").forEach(function (tr) {
      var vals = {};
      tr.querySelectorAll("td.tv").forEach(function (td) {
        if (!/^(unknown|not exercised)/.test(td.textContent)) vals[td.textContent] = 1;
      });
      var differs = Object.keys(vals).length > 1;
      if (differs) flagged++;
      if (differs !== tr.classList.contains("differs")) problems.push("kernel-diff: row " + tr.dataset.trait + " flagged wrongly");
    });
    if (String(flagged) !== diff.dataset.differs) problems.push("kernel-diff: " + flagged + " rows differ, table says " + diff.dataset.differs);
    diff.dataset.differsFound = String(flagged);
  }
  if (grid) {
    var rowsDiffer = 0;
    grid.querySelectorAll("tbody tr").forEach(function (tr) {
      var vs = {};
      tr.querySelectorAll("td[class*='v-']").forEach(function (td) {
        td.classList.forEach(function (c) { if (c.indexOf("v-") === 0) vs[c] = 1; });
      });
      var differs = Object.keys(vs).length > 1;
      if (differs) rowsDiffer++;
      if (differs !== tr.classList.contains("differs")) problems.push("grid: row " + tr.textContent.slice(0, 40) + " flagged wrongly");
    });
    grid.dataset.rowsDiffer = String(rowsDiffer);
  }
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
