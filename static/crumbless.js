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
  var w = window, d = document;
  var script = d.currentScript;
  var api = w.crumbless;
  if (api?._b) return; // loaded twice: the first copy stays in charge

  // Replaced by the bundler: [list, sri, version]. list is the path, relative
  // to this script, of the runtime list (a/runtime.<hash>.json:
  // {"wasm": [path, sha384], "exec": [path, sha384]}), sri its sha256. The
  // loader carries one hash; the list carries the runtime's, so that a
  // changed list, wasm_exec.js or wasm is refused.
  var assets = "__CRUMBLESS_ASSETS__";

  // ---- configuration -------------------------------------------------------
  var base = new URL(script.dataset.base || ".", script.src).href;
  // The script tag's data- attributes over the defaults; the runtime reads
  // them from boot.config (absent ones as "").
  var config = Object.assign({ consent: "implicit", theme: "auto", position: "right" }, script.dataset);
  config.prefix = config.prefix || "crumbless-"; // never unprefixed keys
  config.version = assets[2];

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
    ".launcher,.state button{border:0;background:var(--cl-accent);color:#fff;cursor:pointer}" +
    ".launcher{position:relative;width:56px;height:56px;border-radius:50%;display:grid;place-items:center;box-shadow:0 6px 20px #0003}" +
    ".launcher:focus-visible{outline:3px solid var(--cl-accent);outline-offset:3px}" +
    // The icon, a speech bubble, is drawn by CSS: no SVG for the HTML parser.
    ".launcher::before{content:'';width:24px;height:22px;background:currentColor;border-radius:12px 12px 12px 2px}" +
    ".badge{position:absolute;top:-4px;right:-4px;padding:0 6px;border-radius:9px;background:#d92d20;font:700 12px/18px system-ui}" +
    ".panel{position:absolute;bottom:72px;right:0;width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 112px));display:flex;flex-direction:column;overflow:hidden;" +
    "background:var(--cl-bg);color:var(--cl-fg);border-radius:16px;box-shadow:0 12px 48px #0004}" +
    ".cl[data-position=left] .panel{right:auto;left:0}.panel[hidden]{display:none}" +
    ".state{margin:auto;padding:24px;text-align:center;color:var(--cl-muted)}" +
    ".state button{display:block;margin:12px auto 0;padding:8px 16px;border-radius:8px;font:inherit}" +
    "@media (max-width:480px){.panel{position:fixed;inset:0;width:auto;height:auto;border-radius:0}}";

  // ---- storage (read only) -------------------------------------------------
  // read returns the data of a prefixed key in the Crumbless envelope, or
  // undefined. The loader never writes: keys exist only after the visitor
  // acted, so reading them honours what they chose earlier.
  function read(area, name) {
    try {
      var e = JSON.parse(w[area + "Storage"].getItem(config.prefix + name));
      if (e.v == 1 && !(e.exp && e.exp < Date.now())) return e.data;
    } catch (err) { /* blocked, absent or corrupt: as if absent */ }
  }

  // ---- queue ---------------------------------------------------------------
  // boot is read by the runtime: it takes boot.queue, then sets boot.run.
  var boot = { config: config, queue: [], base: base }; // boot.run: set by the runtime
  var queued = api?.q || []; // calls made before this script ran, through the snippet
  var host, wrap, launcher, panel, destroyed;
  // Every listener the loader adds goes away with one abort() in destroy.
  var ac = new AbortController(), on = { signal: ac.signal };

  api = w.crumbless = (...args) => {
    var c = args[0];
    if (c == "destroy") return destroy();
    if (boot.run) return boot.run(args);
    if (c == "state") return Promise.resolve(state());
    if (c == "open" || (c == "toggle" && !isOpen())) return show();
    if (c == "close" || c == "toggle") return hide();
    // forget and consent false wipe every prefixed key at once, without
    // waiting for a runtime that may never be loaded.
    if (c == "forget" || (c == "consent" && args[1] === false)) {
      ["local", "session"].forEach((area) => {
        try {
          var s = w[area + "Storage"];
          Object.keys(s).forEach((k) => k.startsWith(config.prefix) && s.removeItem(k));
        } catch (err) { /* blocked storage holds nothing */ }
      });
    }
    var item = [args];
    boot.queue.push(item);
    // disclosure waits for the runtime, which holds the registry.
    if (c == "disclosure") return new Promise((resolve) => { item[1] = resolve; });
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
    var t = read("local", "theme");
    return /^(light|dark|auto)$/.test(t) ? t : config.theme;
  }

  // unread is the count of replies not read yet (the runtime writes the
  // local key, in every tab, once the visitor has used the chat).
  function unread() { var n = read("local", "unread"); return n > 0 ? n | 0 : 0; }

  // ---- launcher ------------------------------------------------------------
  // draw adds the launcher at once: to the body, or to the root element
  // while the body is not parsed yet (the parser adds the body after it).
  function draw() {
    host = d.createElement("div");
    host.id = "crumbless-root";
    var root = host.attachShadow({ mode: "open" });
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    wrap = el("div", "cl");
    // The launcher looks the same in every theme; the stored theme is read
    // when the panel frame is first shown.
    wrap.dataset.theme = config.theme;
    wrap.dataset.position = config.position;
    launcher = el("button", "launcher");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat");
    launcher.addEventListener("click", () => api("toggle"), on);
    if (!/^(idle|none)$/.test(config.prefetch)) { // hover, the default
      launcher.addEventListener("pointerenter", prefetch, on);
      launcher.addEventListener("focus", prefetch, on);
    }
    wrap.appendChild(launcher);
    root.appendChild(wrap);
    (d.body || d.documentElement).appendChild(host);
    Object.assign(boot, { root: root, wrapper: wrap, launcher: launcher });
    for (var a of queued) api(...a);
    idle(restore);
  }

  // restore shows, once the launcher is on screen, the unread count and an
  // open panel the visitor left in this tab, when the visitor may have used
  // the widget before: after a reload, back/forward ("reload",
  // "back_forward") or from a page of the same site. Only then is storage
  // read: a first Web Storage access blocks the main thread for
  // milliseconds, which a visitor who just arrived should not pay.
  function restore() {
    if (destroyed || panel) return; // the visitor was quicker
    if (!/^[rb]/.test(performance.getEntriesByType("navigation")[0]?.type) && !d.referrer.startsWith(location.origin + "/")) return;
    var n = unread();
    if (n) {
      var badge = el("span", "badge");
      badge.textContent = n;
      launcher.appendChild(badge);
      launcher.setAttribute("aria-label", "Open chat, " + n + " unread");
    }
    if (read("session", "open") === true) show(); // open before a reload in this tab
  }

  function el(tag, className) {
    var e = d.createElement(tag);
    e.className = className;
    return e;
  }

  function idle(fn) { (w.requestIdleCallback || setTimeout)(fn); }

  // ---- runtime list and prefetch -------------------------------------------
  // files fetches the runtime list once (again after a failure), checked
  // against the hash the bundler put in this script.
  var list;
  function files() {
    return list ||= get(base + assets[0], assets[1]).then((res) => res.json()).catch((err) => { list = 0; throw err; });
  }

  // get fetches url, refused unless it matches integrity; it rejects with
  // the URL and why.
  function get(url, integrity) {
    return fetch(url, { integrity: integrity }).then((res) => res.ok ? res : failure(url), () => failure(url));
  }

  // prefetch fills the HTTP cache (the files are immutable) with the same
  // requests load makes later, so that the click finds them there.
  var warmed;
  function prefetch() {
    if (warmed || destroyed) return;
    warmed = 1;
    // A fetch with integrity resolves once the whole body is in and checked.
    files().then((m) => Promise.all([m.exec, m.wasm].map((f) => fetch(base + f[0], { integrity: f[1] }))))
      .catch(() => { warmed = 0; }); // load reports it
  }

  // ---- panel frame and runtime ---------------------------------------------
  function show() {
    if (!panel) {
      panel = el("div", "panel");
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-label", "Chat");
      wrap.insertBefore(panel, launcher);
      wrap.dataset.theme = theme();
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
    var p = el("div", "state"), b = el("button", "");
    p.setAttribute("role", retry ? "alert" : "status");
    p.textContent = text;
    b.textContent = "Try again";
    b.onclick = load;
    if (retry) p.appendChild(b);
    panel.replaceChildren(p);
    b.focus();
  }

  var loading, added;
  function load() {
    if (loading) return;
    status("Loading…");
    loading = start().catch((err) => {
      loading = 0;
      if (destroyed) return;
      console.error("crumbless: could not load the chat runtime: " + err.message);
      status("The chat could not be loaded.", 1);
    });
  }

  async function start() {
    var m = await files();
    var url = base + m.wasm[0];
    // wasm_exec.js and the wasm download at the same time; each is refused
    // when it does not match its hash.
    var res = get(url, m.wasm[1]);
    res.catch(() => { /* reported below, unless wasm_exec.js failed first */ });
    if (!w.Go) await addScript(base + m.exec[0], m.exec[1]);
    var go = new w.Go();
    // Streaming compiles while downloading; it refuses a wrong MIME type.
    var result = await WebAssembly.instantiateStreaming(await res, go.importObject).catch((e) => failure(url, e.message));
    if (destroyed) return;
    boot.go = go;
    go.run(result.instance);
  }

  // failure throws why url could not be used (why, or found out with a HEAD
  // request: the browser tells a script only that a fetch or script failed).
  async function failure(url, why) {
    var res = why || await fetch(url, { method: "HEAD", cache: "no-store" }).catch(() => 0);
    throw Error(url + ": " + (why || (!res ? "network error" : res.ok ? "does not match its integrity hash" : "HTTP " + res.status)));
  }

  function addScript(src, integrity) {
    return new Promise((resolve, reject) => {
      var s = added = d.createElement("script");
      s.src = src;
      s.crossOrigin = "anonymous"; // the same request as prefetch's fetch, so the cache serves it
      s.integrity = integrity;
      s.onload = resolve;
      s.onerror = () => { s.remove(); failure(src).catch(reject); };
      d.head.appendChild(s);
    });
  }

  // ---- destroy -------------------------------------------------------------
  // destroy stops the runtime, removes every node and listener the widget
  // added and puts the snippet's queueing function back, so the page is as
  // it was (and the loader can be added again).
  function destroy() {
    boot.run?.(["destroy"]); // the runtime lets go of boot.run
    destroyed = 1;
    ac.abort();
    host?.remove();
    added?.remove();
    w.crumbless = function () { (w.crumbless.q = w.crumbless.q || []).push(arguments); }; // the snippet's
  }

  // ---- start ---------------------------------------------------------------
  draw();
  if (config.prefetch == "idle") {
    if (d.readyState == "complete") idle(prefetch);
    else w.addEventListener("load", () => idle(prefetch), on);
  }
})();
