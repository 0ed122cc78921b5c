/*
 * Crumbless loader. Reads the script tag's data- attributes, draws the
 * launcher in an open shadow root and does nothing else until the visitor
 * acts: it writes no storage, and wasm_exec.js and the Go runtime are fetched
 * on hover (data-prefetch="hover", the default), when the page is idle
 * ("idle") or only on the first click ("none"). Commands given through
 * crumbless(...) before the runtime runs are queued and handed over in order;
 * the loader answers the ones it can alone (open, close, state, disclosure).
 * Hand-written; make build minifies it with esbuild.
 */
(function () {
  "use strict";
  var w = window, d = document;
  var script = d.currentScript;
  var api = w.crumbless;
  if (api?._b) return; // loaded twice: the first copy stays in charge

  // Replaced by the bundler: {wasm, exec, version, sri: {wasm, exec}}, the
  // hashed asset paths relative to this script and their sha384 hashes.
  var assets = "__CRUMBLESS_ASSETS__";
  var sri = assets.sri || {};

  // ---- configuration -------------------------------------------------------
  var base = new URL(script?.dataset.base || ".", script?.src || location.href).href;
  // The script tag's data- attributes over the defaults; the runtime reads
  // them from boot.config.
  var config = Object.assign({
    site: "", api: "", consent: "implicit", prefix: "", theme: "auto", lang: "", position: "right", prefetch: "hover"
  }, script?.dataset);
  config.prefix = config.prefix || "crumbless-"; // never unprefixed keys
  config.version = assets.version || "dev";

  // ---- styles --------------------------------------------------------------
  // :host resets everything the page could make the host inherit, with
  // !important because in the shadow tree that beats the page's rules.
  var dark = "--cl-bg:#17171c;--cl-fg:#ececf1;--cl-muted:#a3a3b0;--cl-line:#30303a;color-scheme:dark";
  var css =
    ":host{all:initial!important}" +
    ".cl{--cl-accent:var(--crumbless-accent,#4f46e5);--cl-bg:#fff;--cl-fg:#1c1c22;--cl-muted:#5b5b66;--cl-line:#e2e2e8;color-scheme:light;" +
    "position:fixed;bottom:20px;right:20px;z-index:2147483000;font:15px/1.45 system-ui,sans-serif;color:var(--cl-fg)}" +
    ".cl[data-position=left]{right:auto;left:20px}" +
    ".cl[data-theme=dark]{" + dark + "}" +
    "@media (prefers-color-scheme:dark){.cl[data-theme=auto]{" + dark + "}}" +
    ".launcher{position:relative;width:56px;height:56px;border:0;border-radius:50%;background:var(--cl-accent);color:#fff;cursor:pointer;display:grid;place-items:center;box-shadow:0 6px 20px rgba(0,0,0,.22)}" +
    ".launcher:focus-visible{outline:3px solid var(--cl-accent);outline-offset:3px}" +
    // The icon, a speech bubble, is drawn by CSS: no SVG for the HTML parser.
    ".launcher::before{content:'';width:24px;height:22px;background:currentColor;border-radius:12px 12px 12px 2px}" +
    ".badge{position:absolute;top:-4px;right:-4px;padding:0 6px;border-radius:9px;background:#d92d20;font:700 12px/18px system-ui}" +
    ".panel{position:absolute;bottom:72px;right:0;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 112px));display:flex;flex-direction:column;overflow:hidden;" +
    "background:var(--cl-bg);color:var(--cl-fg);border-radius:16px;box-shadow:0 12px 48px rgba(0,0,0,.24)}" +
    ".cl[data-position=left] .panel{right:auto;left:0}.panel[hidden]{display:none}" +
    ".state{margin:auto;padding:24px;text-align:center;color:var(--cl-muted)}" +
    ".state button{display:block;margin:12px auto 0;padding:8px 16px;border:0;border-radius:8px;background:var(--cl-accent);color:#fff;cursor:pointer;font:inherit}" +
    "@media (max-width:480px){.panel{position:fixed;inset:0;width:auto;height:auto;border-radius:0}}";

  // ---- storage (read only) -------------------------------------------------
  // read returns the data of a prefixed key in the Crumbless envelope, or
  // undefined. The loader never writes: keys exist only after the visitor
  // acted, so reading them honours what they chose earlier in this tab.
  function read(area, name) {
    try {
      var e = JSON.parse(w[area].getItem(config.prefix + name));
      if (e?.v === 1 && (!e.exp || e.exp > Date.now())) return e.data;
    } catch (err) { /* blocked or corrupt storage: as if absent */ }
  }

  // wipe removes every prefixed key (forget, consent false) without waiting
  // for a runtime that may never be loaded.
  function wipe() {
    ["localStorage", "sessionStorage"].forEach((area) => {
      try {
        var s = w[area];
        for (var i = s.length; i--;) if (s.key(i).startsWith(config.prefix)) s.removeItem(s.key(i));
      } catch (err) { /* blocked storage holds nothing */ }
    });
  }

  // ---- queue ---------------------------------------------------------------
  // boot is read by the runtime: it takes boot.queue, then sets boot.run.
  var boot = { config: config, queue: [], base: base }; // boot.run: set by the runtime
  // Calls made before this script ran (the snippet's queue) or before the
  // launcher is drawn: [args, resolve].
  var early = [...(api?.q || [])].map((a) => [[...a]]);
  var host, root, wrap, launcher, badge, panel, destroyed;
  // Every listener the loader adds goes away with one abort() in destroy.
  var ac = new AbortController(), on = { signal: ac.signal };

  api = w.crumbless = (...args) => {
    var c = args[0], v = args[1];
    if (c === "destroy") return destroy();
    if (boot.run) return boot.run(args);
    if (!wrap) return new Promise((resolve) => early.push([args, resolve])); // before the launcher is drawn
    if (c === "state") return Promise.resolve(state());
    if (c === "open" || (c === "toggle" && !isOpen())) return show();
    if (c === "close" || c === "toggle") return hide();
    if (c === "forget" || (c === "consent" && v === false)) wipe();
    var item = [args];
    boot.queue.push(item);
    // disclosure waits for the runtime, which holds the registry.
    if (c === "disclosure") return new Promise((resolve) => { item[1] = resolve; });
  };
  api._b = boot;

  function isOpen() { return panel?.hidden === false; }

  // state answers crumbless('state') until the runtime runs (it may never).
  function state() {
    var storage = "local";
    try { w.localStorage.length; w.sessionStorage.length; } catch (err) { storage = "memory"; }
    return {
      open: isOpen(), view: "home", theme: theme(), lang: config.lang || "en",
      unread: unread(), consent: config.consent != "explicit", storage: storage, ready: false,
      version: config.version
    };
  }

  // theme is the theme the visitor chose earlier, or the page's default.
  function theme() {
    var t = read("localStorage", "theme");
    return /^(light|dark|auto)$/.test(t) ? t : config.theme;
  }

  function unread() { var n = read("sessionStorage", "unread"); return n > 0 ? n | 0 : 0; }

  // ---- launcher ------------------------------------------------------------
  // seen says whether this tab may hold session state of the widget: after a
  // reload, back/forward or a page of the same site. Only then is
  // sessionStorage read: its first access blocks the main thread for
  // milliseconds, which a visitor who just arrived should not pay.
  var seen = /^(reload|back)/.test(performance.getEntriesByType("navigation")[0]?.type) || d.referrer.startsWith(location.origin + "/");

  function draw() {
    if (destroyed) return;
    host = d.createElement("div");
    host.id = "crumbless-root";
    root = host.attachShadow({ mode: "open" });
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    wrap = el("div", "cl");
    // The launcher looks the same in every theme; the stored theme is read
    // when the panel frame is first shown (a first localStorage access can
    // cost milliseconds of main thread).
    wrap.setAttribute("data-theme", config.theme);
    wrap.setAttribute("data-position", config.position);
    launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    badge = el("span", "badge");
    var n = seen ? unread() : 0;
    badge.textContent = n;
    badge.hidden = !n;
    launcher.setAttribute("aria-label", n ? "Open chat, " + n + " unread" : "Open chat");
    launcher.appendChild(badge);
    launcher.addEventListener("click", () => api("toggle"), on);
    if (!/^(idle|none)$/.test(config.prefetch)) { // hover, the default
      launcher.addEventListener("pointerenter", prefetch, on);
      launcher.addEventListener("focus", prefetch, on);
    }
    wrap.appendChild(launcher);
    root.appendChild(wrap);
    d.body.appendChild(host);
    boot.root = root;
    boot.wrapper = wrap;
    boot.launcher = launcher;
    boot.badge = badge;
    early.forEach((item) => {
      var r = api.apply(null, item[0]);
      if (item[1]) item[1](r);
    });
    early = [];
    if (seen && read("sessionStorage", "open") === true) show(); // open before a reload in this tab
  }

  function el(tag, className) {
    var e = d.createElement(tag);
    e.className = className;
    return e;
  }

  // ---- prefetch ------------------------------------------------------------
  // prefetch fills the HTTP cache (the assets are immutable) with the same
  // requests load makes later, so that the click finds them there.
  var warmed;
  function prefetch() {
    if (warmed || destroyed) return;
    warmed = 1;
    [assets.exec, assets.wasm].forEach((p) => {
      fetch(base + p).then((res) => res.arrayBuffer()).catch(() => { /* load reports it */ });
    });
  }

  function onLoad() { (w.requestIdleCallback || setTimeout)(prefetch); }

  // ---- panel frame and runtime ---------------------------------------------
  function show() {
    if (!panel) {
      panel = el("div", "panel");
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-label", "Chat");
      wrap.insertBefore(panel, launcher);
      wrap.setAttribute("data-theme", theme());
      boot.panel = panel;
    }
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    load();
  }

  function hide() {
    if (panel) panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
  }

  // status shows the loading state, or an error with a retry button.
  function status(text, retry) {
    panel.textContent = "";
    var p = el("div", "state");
    p.setAttribute("role", retry ? "alert" : "status");
    p.textContent = text;
    if (retry) {
      var b = el("button", "");
      b.type = "button";
      b.textContent = "Try again";
      b.onclick = load;
      p.appendChild(b);
    }
    panel.appendChild(p);
    if (retry) b.focus();
  }

  var loading, added;
  function load() {
    if (loading) return;
    status("Loading…");
    loading = start().catch((err) => {
      loading = null;
      if (destroyed) return;
      console.error("crumbless: could not load the chat runtime: " + err.message);
      status("The chat could not be loaded.", 1);
    });
  }

  async function start() {
    if (!w.Go) await addScript(base + assets.exec, sri.exec);
    var go = new w.Go();
    var url = base + assets.wasm;
    // The integrity check refuses a changed file (hashes from the bundler).
    var res = await fetch(url, { integrity: sri.wasm }).catch(() => failure(url));
    if (!res.ok) throw Error(url + ": HTTP " + res.status);
    // Streaming compiles while downloading; it refuses a wrong MIME type.
    var result = await WebAssembly.instantiateStreaming(res, go.importObject).catch((e) => { throw Error(url + ": " + e.message); });
    if (destroyed) return;
    boot.go = go;
    go.run(result.instance);
  }

  // failure throws why url could not be used: the browser tells a script
  // only that a fetch or a script failed, so a HEAD request finds out.
  async function failure(url) {
    var res = await fetch(url, { method: "HEAD", cache: "no-store" }).catch(() => 0);
    throw Error(url + ": " + (!res ? "network error" : res.ok ? "does not match its integrity hash" : "HTTP " + res.status));
  }

  function addScript(src, integrity) {
    return new Promise((resolve, reject) => {
      var s = d.createElement("script");
      s.src = src;
      s.crossOrigin = "anonymous"; // the same request as prefetch's fetch, so the cache serves it
      s.integrity = integrity || "";
      s.onload = resolve;
      s.onerror = () => { s.remove(); failure(src).catch(reject); };
      added = s;
      d.head.appendChild(s);
    });
  }

  // ---- destroy -------------------------------------------------------------
  // destroy stops the runtime, removes every node and listener the widget
  // added and puts the snippet's queueing function back, so the page is as
  // it was (and the loader can be added again).
  function destroy() {
    if (boot.run) boot.run(["destroy"]);
    destroyed = 1;
    boot.run = null;
    ac.abort();
    if (host) host.remove();
    if (added) added.remove();
    host = root = wrap = launcher = badge = panel = null;
    w.crumbless = function () { (w.crumbless.q = w.crumbless.q || []).push(arguments); }; // the snippet's
  }

  // ---- start ---------------------------------------------------------------
  if (d.body) draw();
  else d.addEventListener("DOMContentLoaded", draw, on);
  if (config.prefetch == "idle") {
    if (d.readyState === "complete") onLoad();
    else w.addEventListener("load", onLoad, on);
  }
})();
