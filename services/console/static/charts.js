/* Draws every chart of a page from its Vega-Lite spec (a JSON data block next to it) with the
   vega-embed bundle the console serves. No inline script: the CSP stays strict, and Vega's
   expressions run through its interpreter instead of eval. Without JavaScript the table of the
   same numbers under each chart is still there. */
(function () {
  "use strict";
  function draw(figure) {
    var data = figure.querySelector("script[data-chart-spec]");
    var target = figure.querySelector("[data-chart-canvas]");
    if (!data || !target || !window.vegaEmbed || !window.vega) { return; }
    var spec;
    try { spec = JSON.parse(data.textContent); } catch (error) { return; }
    window.vegaEmbed(target, spec, {
      actions: false, renderer: "svg", ast: true, expr: window.vega.expressionInterpreter,
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
