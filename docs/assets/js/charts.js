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
      if (labelLimit && typeof o.labelLimit === "number" && (o.labelLimit === 0 || o.labelLimit > labelLimit)) {
        o.labelLimit = labelLimit;           /* 0 = no limit (the spec's default) */
      }
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

  /* Colours from the page's scheme (light or dark, Material's palette toggle): text in the page's
     text colour, made opaque against the page's background (so its contrast is what it looks like),
     rules and grid lighter, no white box behind the chart. */
  function rgba(css) {
    var m = /rgba?\(([^)]+)\)/.exec(css || "");
    if (!m) return null;
    var p = m[1].split(",").map(function (x) { return parseFloat(x); });
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function over(fg, bg, alpha) {
    var a = (fg.a === undefined ? 1 : fg.a) * (alpha === undefined ? 1 : alpha);
    function ch(k) { return Math.round(fg[k] * a + bg[k] * (1 - a)); }
    return "rgb(" + ch("r") + "," + ch("g") + "," + ch("b") + ")";
  }
  function scheme() {
    var body = document.body;
    var bg = rgba(getComputedStyle(body).backgroundColor) || { r: 255, g: 255, b: 255, a: 1 };
    if (bg.a === 0) bg = { r: 255, g: 255, b: 255, a: 1 };
    var probe = document.querySelector(".md-content .md-typeset") || body;
    var fg = rgba(getComputedStyle(probe).color) || { r: 0, g: 0, b: 0, a: 1 };
    var text = over(fg, bg), rule = over(fg, bg, 0.45), grid = over(fg, bg, 0.14);
    return {
      background: "transparent",
      axis: { labelColor: text, titleColor: text, domainColor: rule, tickColor: rule, gridColor: grid },
      legend: { labelColor: text, titleColor: text },
      header: { labelColor: text, titleColor: text },
      title: { color: text, subtitleColor: text },
      text: { color: text }
    };
  }
  /* fonts: the spec's own list (a Latin face first, then Chinese ones: quotes and apostrophes are
     never drawn full-width), the one the static SVG was laid out with */
  function themed(spec) {
    var theme = scheme();
    spec.config = spec.config || {};
    Object.keys(theme).forEach(function (k) {
      if (theme[k] && typeof theme[k] === "object") spec.config[k] = Object.assign({}, spec.config[k] || {}, theme[k]);
      else spec.config[k] = theme[k];
    });
    return spec;
  }

  function embed(el) {
    if (el.dataset.embedded || typeof vegaEmbed !== "function") return;
    el.dataset.embedded = "1";
    if (el.bireportFallback === undefined) el.bireportFallback = el.innerHTML;
    var fallback = el.bireportFallback;
    fetch(el.dataset.spec).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + el.dataset.spec);
      return r.json();
    }).then(function (original) {
      var options = {
        renderer: "svg",
        ast: true,                             /* expressions interpreted, not compiled with Function(): no 'unsafe-eval' in the CSP */
        actions: { export: true, source: false, compiled: false, editor: false },
        downloadFileName: el.dataset.spec.split("/").pop().replace(/\.vl\.json$/, "")
      };
      /* the site's Content-Security-Policy allows no eval: Vega interprets its expressions */
      if (window.vegaInterpreter) {
        options.ast = true;
        options.expr = window.vegaInterpreter.expressionInterpreter;
      }
      /* the width of the text column (Material sizes a figure to fit its content, so measure the
         figure's parent), less vega-embed's action button column */
      var figure = el.closest("figure");
      var box = figure && figure.parentElement ? figure.parentElement : el.parentNode;
      var room = Math.min(box ? box.clientWidth : 0, window.innerWidth - 16) - 56;
      function draw(avail, labelLimit) {
        var host = document.createElement("div");
        var spec = themed(JSON.parse(JSON.stringify(original)));
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
        /* paper gets the chart's print picture (the SVG drawn for a white page; print.css) */
        var paper = document.createElement("div");
        paper.className = "vl-print";
        paper.setAttribute("aria-hidden", "true");
        paper.innerHTML = fallback;
        paper.querySelectorAll("img").forEach(function (img) { img.removeAttribute("loading"); img.alt = ""; });
        el.appendChild(paper);
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
  /* the palette toggle (or the system setting) changed the scheme: draw the charts again */
  var lastScheme = document.body.getAttribute("data-md-color-scheme");
  new MutationObserver(function () {
    var now = document.body.getAttribute("data-md-color-scheme");
    if (now === lastScheme) return;
    lastScheme = now;
    document.querySelectorAll("div.vl-chart[data-spec][data-embedded]").forEach(function (el) {
      delete el.dataset.embedded;
      embed(el);
    });
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);   /* Material for MkDocs instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else { run(); }
})();
