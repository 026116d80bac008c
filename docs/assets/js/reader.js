/* The reader's place and language.
   1. The view switcher (中文 / English / 对照 pills and the header's language menu) keeps the place:
      its links carry the block (paragraph, list item …), heading, table or figure at the top of the
      screen as their #fragment (ids are shared by the three views: block ids such as #s3-p4,
      section ids such as #s3-3, #table-…, #chart-…; the English column of a side-by-side page
      suffixes its ids with "-en").
   2. A side-by-side page speaks the reader's language: its interface (header, search box, footer)
      is English when the reader came from an English page (?from=en, else the last language read,
      kept in localStorage).
   3. Arriving at a #fragment, the target stays in view while tables and charts lay themselves out. */
(function () {
  "use strict";
  var KEY = "bireport.lang";
  var EN = {
    ".md-search__input": ["placeholder", "Search"],
    ".md-skip": ["text", "Skip to content"],
    ".md-top": ["text", "Back to top"],
    ".md-footer__link--prev .md-footer__direction": ["text", "Previous"],
    ".md-footer__link--next .md-footer__direction": ["text", "Next"],
    ".md-search__options .md-search__icon[type=reset]": ["aria-label", "Clear"],
    "nav.view-switcher": ["aria-label", "Language and view"]
  };

  var WORDS = {
    "切换到深色模式": "Switch to dark mode", "切换到浅色模式": "Switch to light mode", "搜索": "Search",
    "查找": "Search", "分享": "Share", "清空当前内容": "Clear", "选择当前语言": "Select language",
    "页眉": "Header", "页脚": "Footer", "导航栏": "Navigation", "目录": "Table of contents",
    "回到页面顶部": "Back to top", "上一页": "Previous", "下一页": "Next"
  };

  function store(lang) { try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode */ } }
  function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }

  function view() {
    var nav = document.querySelector("nav.view-switcher");
    if (!nav) return null;
    var m = /\bview-(zh|en|sbs)\b/.exec(nav.className);
    return m ? m[1] : null;
  }

  /* ---------------------------------------------------------------- 2. interface language */
  function englishInterface() {
    var site = document.querySelector("nav.view-switcher .ui-en-site");
    Object.keys(EN).forEach(function (sel) {
      document.querySelectorAll(sel).forEach(function (el) {
        var what = EN[sel][0], value = EN[sel][1];
        if (what === "text") {
          /* keep icons: replace the last text node only */
          var nodes = Array.prototype.filter.call(el.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim(); });
          if (nodes.length) nodes[nodes.length - 1].textContent = " " + value + " ";
          else el.appendChild(document.createTextNode(value));
        } else el.setAttribute(what, value);
        el.setAttribute("lang", "en");
      });
    });
    /* the theme's labels and tooltips (Material's Chinese words → its English ones) */
    document.querySelectorAll(".md-header [title], .md-header [aria-label], .md-footer [aria-label], .md-search [title], .md-search [aria-label]").forEach(function (el) {
      ["title", "aria-label"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v && WORDS[v]) el.setAttribute(attr, WORDS[v]);
      });
    });
    if (site) {
      var title = document.querySelector(".md-header__topic:first-child .md-ellipsis");
      if (title) { title.textContent = site.textContent; title.setAttribute("lang", "en"); }
      var logo = document.querySelector(".md-header__button.md-logo");
      if (logo) logo.setAttribute("aria-label", site.textContent);
    }
    document.documentElement.classList.add("ui-en");
  }

  function language() {
    var v = view();
    if (v === "zh" || v === "en") { store(v); return; }
    if (v !== "sbs") return;
    var from = new URLSearchParams(location.search).get("from");
    if (from === "en" || from === "zh") store(from);
    if ((from || stored()) === "en") englishInterface();
  }

  /* ---------------------------------------------------------------- 1. keep the place */
  /* headings, tables and figures, and every text block (paragraph, list item, quotation, byline …:
     the pipeline gives each one its stable block id, e.g. #s3-p4). Translator's notes exist on
     English pages only and are no place to keep. */
  var ANCHORS = "article h1[id], article h2[id], article h3[id], article h4[id], article h5[id], article h6[id], " +
                "article .data-table-wrap[id], article figure[id], article p[id], article li[id], " +
                "article div.untranslated[id]";
  var SKIP = ".tn-notes, .footnote";

  function headerOffset() {
    var h = document.querySelector(".md-header");
    return (h ? h.getBoundingClientRect().bottom : 0) + 8;
  }

  /* The reader's place: the block at the top of the screen (the one being read) while at least
     half of it is still on screen; once it has mostly scrolled away, the next one if that starts
     in the upper third of the screen (a heading just below the top is where the reader is). */
  function place() {
    if (window.scrollY < 40) return "";
    var limit = headerOffset(), upper = limit + (window.innerHeight - limit) / 3;
    var best = null, rest = 0, next = null;
    var els = document.querySelectorAll(ANCHORS);
    for (var i = 0; i < els.length; i++) {
      if (els[i].closest(SKIP)) continue;
      var r = els[i].getBoundingClientRect();
      if (!r.height && !r.width) continue;
      if (r.top <= limit + 4) { best = els[i]; rest = r.height ? (r.bottom - limit) / r.height : 0; }
      else { if (r.top <= upper) next = els[i]; break; }
    }
    var el = best && (rest >= 0.5 || !next) ? best : (next || best);
    return el ? el.id.replace(/-en$/, "") : "";
  }

  function links() {
    return document.querySelectorAll("nav.view-switcher a[href], .md-header .md-select__link[hreflang]");
  }

  function update(clicked) {
    var frag = place(), v = view();
    links().forEach(function (a) {
      var url = new URL(a.getAttribute("href"), location.href);
      var toSbs = a.classList.contains("view-link-sbs") || a.classList.contains("select-sbs");
      /* the side-by-side page learns where the reader came from (also kept in localStorage) */
      if (a === clicked && toSbs && (v === "en" || v === "zh")) url.searchParams.set("from", v);
      url.hash = frag ? "#" + frag : "";
      a.href = url.href;
    });
  }

  var ticking = false;
  function onScroll() {
    if (ticking) return;
    ticking = true;
    window.requestAnimationFrame(function () { ticking = false; update(); });
  }

  /* ---------------------------------------------------------------- 3. land on the fragment */
  function holdTarget() {
    if (!location.hash || !window.ResizeObserver) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    var moved = false, until = Date.now() + 4000;
    function stop() { moved = true; }
    ["wheel", "touchstart", "keydown", "mousedown"].forEach(function (e) {
      window.addEventListener(e, stop, { once: true, passive: true });
    });
    var ro = new ResizeObserver(function () {
      if (moved || Date.now() > until) { ro.disconnect(); return; }
      target.scrollIntoView();
    });
    var article = document.querySelector("article") || document.body;
    ro.observe(article);
    setTimeout(function () { ro.disconnect(); }, 4000);
  }

  /* print: external links whose text is already their address are not printed twice */
  function shownLinks() {
    document.querySelectorAll('article a[href^="http"]').forEach(function (a) {
      if (a.textContent.trim().replace(/\/$/, "") === a.getAttribute("href").replace(/\/$/, "")) a.classList.add("href-shown");
    });
  }

  function run() {
    shownLinks();
    language();
    update();
    holdTarget();
  }
  window.addEventListener("scroll", onScroll, { passive: true });
  window.addEventListener("resize", onScroll);
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a");
    if (a && Array.prototype.indexOf.call(links(), a) >= 0) update(a);
  }, true);

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else { run(); }
})();
