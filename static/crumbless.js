/*
 * Crumbless loader. Reads the script tag's data- attributes, draws the
 * launcher in an open shadow root and does nothing else until the visitor
 * clicks: only then are wasm_exec.js and the Go runtime downloaded. Commands
 * given through crumbless(...) before the runtime is ready are queued and
 * handed over in order. It writes no storage itself.
 */
(function () {
  "use strict";
  var w = window, d = document;
  var script = d.currentScript;
  var api = w.crumbless;
  if (api && api._b) return; // loaded twice: the first copy stays in charge

  // Replaced by the bundler with the hashed asset paths, relative to this script.
  var assets = "__CRUMBLESS_ASSETS__";

  // ---- configuration -------------------------------------------------------
  var data = (script && script.dataset) || {};
  var base = data.base || (script && script.src ? new URL(".", script.src).href : "/");
  var config = {
    site: data.site || "",
    api: data.api || "",
    consent: data.consent === "explicit" ? "explicit" : "implicit",
    prefix: data.prefix || "crumbless-",
    theme: data.theme || "auto",
    lang: data.lang || "",
    position: data.position === "left" ? "left" : "right"
  };

  // ---- styles --------------------------------------------------------------
  var dark = "--cl-bg:#17171c;--cl-fg:#ececf1;--cl-muted:#a3a3b0;--cl-line:#30303a;color-scheme:dark";
  var css =
    ".cl{--cl-accent:var(--crumbless-accent,#4f46e5);--cl-bg:#fff;--cl-fg:#1c1c22;--cl-muted:#5b5b66;--cl-line:#e2e2e8;color-scheme:light;" +
    "position:fixed;bottom:20px;right:20px;z-index:2147483000;font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--cl-fg)}" +
    ".cl[data-position=left]{right:auto;left:20px}" +
    ".cl[data-theme=dark]{" + dark + "}" +
    "@media (prefers-color-scheme:dark){.cl[data-theme=auto]{" + dark + "}}" +
    ".launcher{width:56px;height:56px;border:0;border-radius:50%;background:var(--cl-accent);color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 6px 20px rgba(0,0,0,.22);transition:transform .15s}" +
    ".launcher:hover{transform:scale(1.06)}.launcher:focus-visible{outline:3px solid var(--cl-accent);outline-offset:3px}" +
    ".launcher svg{width:28px;height:28px;fill:currentColor}" +
    ".panel{position:absolute;bottom:72px;right:0;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 112px));display:flex;flex-direction:column;overflow:hidden;" +
    "background:var(--cl-bg);color:var(--cl-fg);border-radius:16px;box-shadow:0 12px 48px rgba(0,0,0,.24)}" +
    ".cl[data-position=left] .panel{right:auto;left:0}.panel[hidden]{display:none}" +
    ".state{margin:auto;padding:24px;text-align:center;color:var(--cl-muted)}" +
    ".state button{margin-top:12px;padding:8px 16px;border:0;border-radius:8px;background:var(--cl-accent);color:#fff;cursor:pointer;font:inherit}" +
    "@media (max-width:480px){.panel{position:fixed;inset:0;width:auto;height:auto;border-radius:0}}";

  // ---- queue ---------------------------------------------------------------
  // boot is read by the runtime: it takes boot.queue, then sets boot.run.
  var boot = { config: config, queue: [], run: null };
  var early = api && api.q ? [].slice.call(api.q) : []; // calls made before this script ran

  api = w.crumbless = function () {
    var args = [].slice.call(arguments);
    var c = args[0];
    if (c === "destroy") return destroy();
    if (boot.run) return boot.run(args);
    if (!wrap) { early.push(args); return; }
    // open, close and toggle are answered here so that the click feels instant.
    if (c === "open" || (c === "toggle" && !(panel && !panel.hidden))) return show();
    if (c === "close" || c === "toggle") return hide();
    // state is answered here until the runtime runs: it may never be loaded.
    if (c === "state") return Promise.resolve(loaderState());
    if (c !== "disclosure") { boot.queue.push([args]); return; }
    return new Promise(function (resolve) { boot.queue.push([args, resolve]); });
  };
  api._b = boot;

  function loaderState() {
    return {
      open: !!(panel && !panel.hidden), view: "home", theme: (wrap && wrap.getAttribute("data-theme")) || config.theme,
      lang: config.lang || "en", unread: 0, consent: config.consent !== "explicit", storage: "local", ready: false
    };
  }

  // destroy removes everything the widget added to the page and puts the
  // embed snippet's queueing function back, so the page is as it was.
  var destroyed = false, added = [];
  function destroy() {
    if (boot.run) boot.run(["destroy"]);
    destroyed = true;
    boot.run = null;
    boot.queue = [];
    d.removeEventListener("DOMContentLoaded", draw);
    if (launcher) launcher.removeEventListener("click", onClick);
    if (host) host.remove();
    for (var i = 0; i < added.length; i++) added[i].remove();
    host = root = wrap = launcher = panel = null;
    w.crumbless = function () { (w.crumbless.q = w.crumbless.q || []).push(arguments); };
  }

  // ---- launcher ------------------------------------------------------------
  var host, root, wrap, launcher, panel;

  function draw() {
    if (destroyed) return;
    host = d.createElement("div");
    host.id = "crumbless-root";
    root = host.attachShadow({ mode: "open" });
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    wrap = d.createElement("div");
    wrap.className = "cl";
    wrap.setAttribute("data-theme", storedTheme() || config.theme);
    wrap.setAttribute("data-position", config.position);
    launcher = d.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.setAttribute("aria-label", "Open chat");
    launcher.setAttribute("aria-expanded", "false");
    launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
    launcher.addEventListener("click", onClick);
    wrap.appendChild(launcher);
    root.appendChild(wrap);
    d.body.appendChild(host);
    boot.root = root;
    boot.wrapper = wrap;
    boot.launcher = launcher;
    for (var i = 0; i < early.length; i++) api.apply(null, [].slice.call(early[i]));
  }

  function onClick() { api("toggle"); }

  // storedTheme reads (never writes) the theme the visitor chose earlier, so
  // that the launcher and the loading frame match it before the runtime runs.
  function storedTheme() {
    try {
      var e = JSON.parse(localStorage.getItem(config.prefix + "theme"));
      if (e && e.v === 1 && (!e.exp || e.exp > Date.now())) return e.data;
    } catch (err) { /* blocked or corrupt storage: use the default */ }
    return "";
  }

  // ---- panel frame and runtime ---------------------------------------------
  function show() {
    if (!wrap) return;
    if (!panel) {
      panel = d.createElement("div");
      panel.className = "panel";
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-label", "Chat");
      wrap.insertBefore(panel, launcher);
      boot.panel = panel;
    }
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    load();
  }

  function hide() {
    if (panel) panel.hidden = true;
    if (launcher) launcher.setAttribute("aria-expanded", "false");
  }

  function status(text, retry) {
    panel.setAttribute("aria-busy", retry ? "false" : "true");
    panel.textContent = "";
    var p = d.createElement("div");
    p.className = "state";
    p.setAttribute("role", retry ? "alert" : "status");
    p.textContent = text;
    if (retry) {
      var b = d.createElement("button");
      b.type = "button";
      b.textContent = "Try again";
      b.addEventListener("click", function () { loading = null; load(); });
      p.appendChild(d.createElement("br"));
      p.appendChild(b);
    }
    panel.appendChild(p);
  }

  var loading = null;
  function load() {
    if (loading) return loading;
    status("Loading…");
    loading = (async function () {
      try {
        if (!w.Go) await addScript(base + assets.exec);
        var go = boot.go = new w.Go();
        var url = base + assets.wasm, result;
        try {
          result = await WebAssembly.instantiateStreaming(fetchOK(url), go.importObject);
        } catch (err) {
          // Wrong MIME type or a browser without streaming: compile from bytes.
          var bytes = await (await fetchOK(url)).arrayBuffer();
          result = await WebAssembly.instantiate(bytes, go.importObject);
        }
        if (!destroyed) go.run(result.instance);
      } catch (err) {
        if (destroyed) return;
        console.error("crumbless: could not load the widget runtime:", err);
        status("The chat could not be loaded.", true);
      }
    })();
    return loading;
  }

  async function fetchOK(url) {
    var res = await fetch(url);
    if (!res.ok) throw new Error(url + ": HTTP " + res.status);
    return res;
  }

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var s = d.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(src + ": failed to load")); };
      added.push(s);
      d.head.appendChild(s);
    });
  }

  if (d.body) draw();
  else d.addEventListener("DOMContentLoaded", draw);
})();
