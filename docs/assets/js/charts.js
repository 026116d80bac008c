/* Interactive charts: <div class="vl-chart" data-spec="URL"> holds an SVG <img> (no-JS fallback);
   with JS, the Vega-Lite spec is fetched and embedded (vendored vega/vega-lite/vega-embed, no CDN).
   Actions are limited to export (no "open in editor", which would load a remote site). */
(function () {
  "use strict";
  var AXES = 110;    /* room beside a plot for its y axis, axis title and labels (px) */
  var PANEL = 50;    /* room per small-multiple panel for its own axis labels */
  var MIN_PLOT = 160;

  /* Narrow screens: rather than scaling the whole chart down (and its text with it), give the
     plots the width there is: small multiples wrap into fewer columns, other plots get narrower.
     Font sizes stay as designed. */
  function textWidth(text, size) {          /* estimate: CJK full width, Latin about half */
    var w = 0;
    for (var i = 0; i < text.length; i++) w += /[\u2e80-\uffff]/.test(text[i]) ? size : size * 0.56;
    return w;
  }

  function wrap(text, size, width) {         /* greedy lines; Latin breaks at spaces, CJK anywhere */
    var lines = [], line = "";
    var tokens = text.match(/[\u2e80-\uffff][\u3000-\u303f\uff00-\uff0f\uff1a-\uff20]?|[^\s\u2e80-\uffff]+\s*|\s+/g) || [];
    tokens.forEach(function (t) {
      if (line && textWidth(line + t.trimEnd(), size) > width) { lines.push(line.trimEnd()); line = t.trimStart(); }
      else line += t;
    });
    if (line.trim()) lines.push(line.trimEnd());
    return lines.length > 1 ? lines : text;
  }

  function fitTitle(title, avail) {
    if (!title || typeof title !== "object") return;
    if (typeof title.text === "string") title.text = wrap(title.text, title.fontSize || 13, avail);
    (title.subtitle || []).forEach(function (line, i, all) {
      if (typeof line === "string") {
        var w = wrap(line, title.subtitleFontSize || 11, avail);
        if (Array.isArray(w)) { all.splice.apply(all, [i, 1].concat(w)); }
      }
    });
  }

  function fit(spec, avail, labelLimit) {
    var narrowed = false;
    (function walk(o) {
      if (!o || typeof o !== "object") return;
      if (Array.isArray(o)) { o.forEach(walk); return; }
      if (o.title) fitTitle(o.title, avail);
      /* long category names (HS chapters) may end in "…": the table above the chart and the
         tooltips have them in full */
      if (labelLimit && typeof o.labelLimit === "number" && o.labelLimit > labelLimit) o.labelLimit = labelLimit;
      if (o.legend && typeof o.legend.columns === "number" && o.legend.columns > 1 && avail < 480) {
        o.legend.columns = 1;                /* long series names: one per line */
      }
      if (typeof o.columns === "number" && o.spec && typeof o.spec.width === "number") {
        var cols = Math.max(1, Math.floor((avail - 10) / (o.spec.width + PANEL)));
        if (cols < o.columns) o.columns = cols;
      } else if (typeof o.width === "number" && o.width + AXES > avail) {
        o.width = Math.max(MIN_PLOT, Math.floor(avail - AXES));
        narrowed = true;
      }
      Object.keys(o).forEach(function (k) { if (k !== "data" && k !== "datasets") walk(o[k]); });
    })(spec);
    if (narrowed) {                          /* fewer year labels rather than overlapping ones */
      spec.config = spec.config || {};
      spec.config.axisX = Object.assign({ labelOverlap: "parity", labelSeparation: 4 }, spec.config.axisX || {});
    }
    return spec;
  }

  function embed(el) {
    if (el.dataset.embedded || typeof vegaEmbed !== "function") return;
    el.dataset.embedded = "1";
    var fallback = el.innerHTML;
    fetch(el.dataset.spec).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + el.dataset.spec);
      return r.json();
    }).then(function (original) {
      var options = {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
        downloadFileName: el.dataset.spec.split("/").pop().replace(/\.vl\.json$/, "")
      };
      /* the width of the text column (Material sizes a figure to fit its content, so measure the
         figure's parent), less vega-embed's action button column */
      var figure = el.closest("figure");
      var box = figure && figure.parentElement ? figure.parentElement : el.parentNode;
      var room = Math.min(box ? box.clientWidth : 0, window.innerWidth - 16) - 56;
      function draw(avail, labelLimit) {
        var host = document.createElement("div");
        var spec = JSON.parse(JSON.stringify(original));
        if (avail > 0) fit(spec, avail, labelLimit);
        return vegaEmbed(host, spec, options).then(function (result) {
          var svg = host.querySelector("svg");
          return { host: host, result: result, excess: svg ? (+svg.getAttribute("width") || 0) - (room + 16) : 0 };
        });
      }
      /* still wider than the screen (labels, legends): narrow the plots by the excess; if that is
         not enough, shorten long labels too */
      function again(drawn, avail, labelLimit) {
        if (!(room > 0 && drawn.excess > 4)) return drawn;
        drawn.result.finalize();
        return draw(avail, labelLimit);
      }
      var narrower = room;
      return draw(room, null).then(function (drawn) {
        narrower = Math.max(MIN_PLOT + AXES, room - Math.max(0, drawn.excess));
        return again(drawn, narrower, null);
      }).then(function (drawn) {
        var plot = Math.max(MIN_PLOT, narrower - AXES);
        return again(drawn, narrower, Math.max(90, Math.floor(room - plot - 70)));
      }).then(function (drawn) {
        var host = drawn.host;
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
