/* Draws every chart of a page from its Vega-Lite spec (a JSON data block next to it) with the
   vega-embed bundle the console serves. No inline script: the CSP stays strict. With ast: true,
   vega-embed parses Vega's expressions to a syntax tree and runs them through the interpreter it
   bundles (vega-interpreter) instead of compiling them with Function(), which the CSP forbids. The
   bundle exposes window.vegaEmbed only (its window.vega is null). Without JavaScript the table of
   the same numbers under each chart is still there. */
(function () {
  "use strict";
  function draw(figure) {
    var data = figure.querySelector("script[data-chart-spec]");
    var target = figure.querySelector("[data-chart-canvas]");
    if (!data || !target || !window.vegaEmbed) { return; }
    var spec;
    try { spec = JSON.parse(data.textContent); } catch (error) { return; }
    window.vegaEmbed(target, spec, {
      actions: false, renderer: "svg", ast: true,
      defaultStyle: false, tooltip: { disableDefaultStyle: true }
    }).then(function () {
      figure.classList.add("chart--drawn");
    }).catch(function () {
      figure.classList.add("chart--failed");
    });
  }
  function drawAll() {
    var figures = document.querySelectorAll("figure.chart");
    for (var i = 0; i < figures.length; i++) { draw(figures[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
}());
