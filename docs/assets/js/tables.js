/* Tables that read without hunting (keyed on the table's shape, never on one table's id).

   Every table of the article is measured in the width there is:
   - it fits: nothing changes (headers wrap, long label columns get room: tables.css + labelColumns);
   - it is too wide and the column is wide enough for a label column and a few value columns
     (desktop, print, a stacked side-by-side row): the table is split into panels that each repeat
     the label column (the first column) and take as many whole column groups (a grouped header's
     top cell, else one column) as fit; each panel is captioned "(1/3)", "(2/3)" …;
   - on a narrow screen: the table scrolls inside its own box, the first column stays put (sticky),
     the caption stays above it in full, and a hint plus a fading edge say that there is more.
   On side-by-side pages a row whose table would not fit half the width is stacked first (the two
   languages one above the other, full width).
   The original table is kept and restored before every re-layout (window resize). */
(function () {
  "use strict";
  var PANEL_MIN = 420;         /* narrower than this: scroll with a sticky first column */
  var originals = [];          /* [{panels: [table...], table: original, scroller}] */
  var lastWidth = 0;

  function isEn(el) {
    var l = el.closest("[lang]");
    return (l ? l.getAttribute("lang") : document.documentElement.lang).indexOf("en") === 0;
  }
  function words(el) {
    return isEn(el)
      ? { more: "Scroll sideways for more columns \u2192", of: function (i, n) { return " (" + i + "/" + n + ")"; } }
      : { more: "\u5de6\u53f3\u6ed1\u52a8\u67e5\u770b\u66f4\u591a\u5217 \u2192", of: function (i, n) { return "\uff08" + i + "/" + n + "\uff09"; } };
  }

  /* The grid of a table section: for each row, the cells with their first column and span. */
  function grid(rows) {
    var taken = [], out = [];
    rows.forEach(function (tr, r) {
      taken[r] = taken[r] || [];
      var c = 0, cells = [];
      Array.prototype.forEach.call(tr.cells, function (cell) {
        while (taken[r][c]) c++;
        var cs = cell.colSpan || 1, rs = cell.rowSpan || 1;
        for (var i = 0; i < rs; i++) {
          taken[r + i] = taken[r + i] || [];
          for (var j = 0; j < cs; j++) taken[r + i][c + j] = true;
        }
        cells.push({ cell: cell, start: c, span: cs });
        c += cs;
      });
      out.push(cells);
    });
    return out;
  }

  function allRows(table) { return Array.prototype.slice.call(table.rows); }

  function columnCount(table) {
    var n = 0;
    grid(allRows(table)).forEach(function (cells) {
      cells.forEach(function (c) { n = Math.max(n, c.start + c.span); });
    });
    return n;
  }

  /* Column groups: the columns under one top header cell (a grouped header), else one column each.
     Column 0 is the label column every panel repeats. */
  function groups(table, n) {
    var head = table.tHead ? grid(Array.prototype.slice.call(table.tHead.rows)) : [];
    var out = [];
    if (head.length > 1) {
      head[0].forEach(function (c) {
        if (c.start === 0) return;
        var cols = [];
        for (var j = c.start; j < c.start + c.span; j++) cols.push(j);
        out.push(cols);
      });
      if (out.length) return out;
    }
    for (var j = 1; j < n; j++) out.push([j]);
    return out;
  }

  /* Widths of the columns as laid out (the table overflows, so at about their minimum). */
  function columnWidths(table, n) {
    var w = [];
    for (var j = 0; j < n; j++) w[j] = 0;
    grid(allRows(table)).forEach(function (cells) {
      cells.forEach(function (c) {
        if (c.span === 1) w[c.start] = Math.max(w[c.start], c.cell.getBoundingClientRect().width);
      });
    });
    return w;
  }

  /* Contiguous chunks of groups, as few as fit `budget`, balanced (smallest largest chunk). */
  function chunks(sizes, budget) {
    var total = sizes.reduce(function (a, b) { return a + b; }, 0);
    for (var k = Math.max(1, Math.ceil(total / budget)); k <= sizes.length; k++) {
      var best = partition(sizes, k);
      if (best && best.max <= budget) return best.parts;
    }
    return null;
  }
  function partition(sizes, k) {         /* linear partition by dynamic programming (n is small) */
    var n = sizes.length, pre = [0], i, j, x;
    for (i = 0; i < n; i++) pre.push(pre[i] + sizes[i]);
    var cost = [], cut = [];
    for (i = 0; i <= n; i++) { cost.push([]); cut.push([]); }
    for (i = 1; i <= n; i++) cost[i][1] = pre[i];
    for (j = 2; j <= k; j++) {
      for (i = j; i <= n; i++) {
        cost[i][j] = Infinity;
        for (x = j - 1; x < i; x++) {
          var c = Math.max(cost[x][j - 1], pre[i] - pre[x]);
          if (c < cost[i][j]) { cost[i][j] = c; cut[i][j] = x; }
        }
      }
    }
    if (!(cost[n] && isFinite(cost[n][k]))) return null;
    var parts = [], end = n;
    for (j = k; j >= 1; j--) {
      var start = j === 1 ? 0 : cut[end][j];
      parts.unshift([start, end]);
      end = start;
    }
    return { max: cost[n][k], parts: parts };
  }

  /* A copy of the table with only the columns in `keep` (sorted indices); spans adjusted. */
  function panel(table, keep) {
    var copy = table.cloneNode(true);
    var set = {};
    keep.forEach(function (j) { set[j] = true; });
    grid(allRows(copy)).forEach(function (cells) {
      cells.forEach(function (c) {
        var n = 0;
        for (var j = c.start; j < c.start + c.span; j++) if (set[j]) n++;
        if (!n) c.cell.parentNode.removeChild(c.cell);
        else if (n !== c.span) c.cell.colSpan = n;
      });
    });
    copy.removeAttribute("id");
    return copy;
  }

  /* Long label columns get room (no 90-px columns of eight-line labels). */
  function labelColumns(table) {
    var n = columnCount(table), longest = [];
    var body = Array.prototype.slice.call(table.tBodies).reduce(function (a, b) {
      return a.concat(Array.prototype.slice.call(b.rows));
    }, []);
    grid(body).forEach(function (cells) {
      cells.forEach(function (c) {
        if (c.span !== 1 || c.cell.classList.contains("num")) return;
        var t = c.cell.textContent.trim();
        var len = 0;
        for (var i = 0; i < t.length; i++) len += /[\u2e80-\uffff]/.test(t[i]) ? 2 : 1;
        longest[c.start] = Math.max(longest[c.start] || 0, len);
      });
    });
    grid(allRows(table)).forEach(function (cells) {
      cells.forEach(function (c) {
        if (c.span === 1 && (longest[c.start] || 0) > 24) c.cell.classList.add("label-col");
      });
    });
    return n;
  }

  function markStub(table) {              /* cells of the first column (sticky on phones) */
    grid(allRows(table)).forEach(function (cells) {
      cells.forEach(function (c) { if (c.start === 0) c.cell.classList.add("stub"); });
    });
  }

  function scrollerOf(table) {
    var p = table.parentElement;
    if (p && p.classList.contains("table-scroll")) return p;
    var s = document.createElement("div");
    s.className = "table-scroll";
    table.parentNode.insertBefore(s, table);
    s.appendChild(table);
    return s;
  }

  function cue(scroller) {
    var more = scroller.scrollWidth - scroller.clientWidth - scroller.scrollLeft > 2;
    scroller.parentElement.classList.toggle("more-right", more);
    scroller.parentElement.classList.toggle("more-left", scroller.scrollLeft > 2);
  }

  function reset(entry) {
    entry.panels.forEach(function (p) { p.parentNode && p.parentNode.removeChild(p); });
    entry.panels = [];
    var box = entry.scroller.parentElement;
    if (box && box.classList.contains("table-box")) {
      box.classList.remove("scrolls", "more-right", "more-left", "split");
      var hint = box.querySelector(":scope > .table-hint");
      if (hint) box.removeChild(hint);
      var cap = box.querySelector(":scope > .table-caption");
      if (cap) box.removeChild(cap);
    }
    entry.table.hidden = false;
    entry.table.removeAttribute("aria-labelledby");
    if (entry.caption && !entry.table.caption) entry.table.insertBefore(entry.caption, entry.table.firstChild);
    entry.scroller.removeAttribute("tabindex");
    entry.scroller.removeAttribute("role");
    entry.scroller.removeAttribute("aria-label");
  }

  function boxOf(scroller) {
    var p = scroller.parentElement;
    if (p.classList.contains("table-box")) return p;
    var b = document.createElement("div");
    b.className = "table-box";
    p.insertBefore(b, scroller);
    b.appendChild(scroller);
    return b;
  }

  function fit(entry) {
    var table = entry.table, scroller = entry.scroller, box = boxOf(scroller);
    var avail = scroller.clientWidth;
    if (!avail || table.getBoundingClientRect().width <= avail + 1) return;
    var n = columnCount(table);
    var w = words(table);
    if (avail >= PANEL_MIN && n > 2) {
      var widths = columnWidths(table, n);
      var gs = groups(table, n);
      var sizes = gs.map(function (g) { return g.reduce(function (a, j) { return a + widths[j]; }, 0); });
      var parts = chunks(sizes, avail - widths[0] - 4);
      if (parts && parts.length > 1) {
        var made = parts.map(function (range, i) {
          var keep = [0];
          gs.slice(range[0], range[1]).forEach(function (g) { keep = keep.concat(g); });
          var p = panel(table, keep);
          p.classList.add("table-panel");
          if (p.caption) p.caption.appendChild(document.createTextNode(w.of(i + 1, parts.length)));
          return p;
        });
        made.forEach(function (p) { scroller.insertBefore(p, table); });
        table.hidden = true;
        entry.panels = made;
        box.classList.add("split");
        /* a panel still too wide (a very wide label column): it scrolls like on a phone */
        if (made.some(function (p) { return p.getBoundingClientRect().width > avail + 1; })) scrolls(entry, box, w);
        return;
      }
    }
    scrolls(entry, box, w);
  }

  function scrolls(entry, box, w) {
    var table = entry.table, scroller = entry.scroller;
    box.classList.add("scrolls");
    [table].concat(entry.panels).forEach(markStub);
    /* the caption above the scrolling box, in full (it would scroll away and be clipped) */
    if (table.caption && !entry.panels.length) {
      var cap = document.createElement("div");
      cap.className = "table-caption";
      cap.id = "cap-" + Math.random().toString(36).slice(2, 9);
      cap.textContent = table.caption.textContent;
      entry.caption = table.caption;
      table.removeChild(table.caption);
      table.setAttribute("aria-labelledby", cap.id);
      box.insertBefore(cap, scroller);
    }
    var hint = document.createElement("p");
    hint.className = "table-hint";
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = w.more;
    box.insertBefore(hint, scroller);
    scroller.setAttribute("tabindex", "0");           /* keyboard users can scroll it */
    scroller.setAttribute("role", "region");
    scroller.setAttribute("aria-label", (entry.caption || table.caption || {}).textContent || w.more);
    cue(scroller);
    if (!scroller.dataset.cue) {
      scroller.dataset.cue = "1";
      scroller.addEventListener("scroll", function () { cue(scroller); }, { passive: true });
    }
  }

  /* Side by side: a row whose table does not fit its half is stacked (full width). */
  function stackRows() {
    document.querySelectorAll(".sbs-row").forEach(function (row) {
      row.classList.remove("stacked");
      var wide = Array.prototype.some.call(row.querySelectorAll("table"), function (t) {
        var col = t.closest(".sbs-zh, .sbs-en");
        return col && t.scrollWidth > col.clientWidth + 1;
      });
      if (wide) row.classList.add("stacked");
    });
  }

  function layout() {
    originals.forEach(reset);
    stackRows();
    originals.forEach(fit);
    lastWidth = window.innerWidth;
  }

  function run() {
    originals = [];
    document.querySelectorAll(".md-content article table").forEach(function (t) {
      if (t.classList.contains("table-panel")) return;
      labelColumns(t);
      originals.push({ table: t, scroller: scrollerOf(t), panels: [], caption: null });
    });
    if (originals.length || document.querySelector(".sbs-row")) layout();
  }

  var timer;
  window.addEventListener("resize", function () {
    if (window.innerWidth === lastWidth) return;
    clearTimeout(timer);
    timer = setTimeout(layout, 150);
  });
  /* printing: lay out for the paper, then back */
  window.addEventListener("beforeprint", layout);
  window.addEventListener("afterprint", layout);
  window.bireportTables = { layout: layout };

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else { run(); }
})();
