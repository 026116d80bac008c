/* Interactive charts: <div class="vl-chart" data-spec="URL"> holds an SVG <img> (no-JS fallback);
   with JS, the Vega-Lite spec is fetched and embedded (vendored vega/vega-lite/vega-embed, no CDN).
   Actions are limited to export (no "open in editor", which would load a remote site). */
(function () {
  "use strict";
  function embed(el) {
    if (el.dataset.embedded || typeof vegaEmbed !== "function") return;
    el.dataset.embedded = "1";
    var fallback = el.innerHTML;
    fetch(el.dataset.spec).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + el.dataset.spec);
      return r.json();
    }).then(function (spec) {
      var host = document.createElement("div");
      return vegaEmbed(host, spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
        downloadFileName: el.dataset.spec.split("/").pop().replace(/\.vl\.json$/, "")
      }).then(function () {
        el.innerHTML = "";
        el.appendChild(host);
        if (el.dataset.description) host.setAttribute("aria-label", el.dataset.description);
        /* vega-embed's action menu button has no accessible name */
        host.querySelectorAll("details > summary").forEach(function (s) {
          s.setAttribute("aria-label", document.documentElement.lang === "en" ? "Chart actions (export)" : "图表操作（导出）");
        });
      });
    }).catch(function (err) {
      el.innerHTML = fallback;
      if (window.console) console.warn("chart fallback:", err);
    });
  }
  function run() { document.querySelectorAll("div.vl-chart[data-spec]").forEach(embed); }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);   /* Material for MkDocs instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else { run(); }
})();
