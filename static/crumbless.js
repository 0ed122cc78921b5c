/*
 * Crumbless loader. Reads the script tag's data- attributes, draws the
 * launcher in an open shadow root and does nothing else until the visitor
 * acts: it writes no storage, and wasm_exec.js and the Go runtime are fetched
 * on hover (data-prefetch="hover", the default), when the page is idle
 * ("idle") or only on the first click ("none"). Commands given through
 * crumbless(...) before the runtime runs are queued and handed over in order;
 * the loader answers the ones it can alone (open, close, state, forget,
 * consent false).
 * Hand-written; make build minifies it with esbuild. Every byte counts: it
 * is all a page pays before anyone clicks (2,500 bytes brotli at most).
 */
(function () {
  var w = window, d = document;
  var script = d.currentScript, data = script.dataset;
  var api = w.crumbless;
  if (api?._b) return; // loaded twice: the first copy stays in charge

  // Replaced by the bundler: [list, sri, version]. list is the path, relative
  // to this script, of the runtime list (a/runtime.<hash>.json:
  // {"wasm": [path, sha384], "exec": [path, sha384]}), sri its sha256. The
  // loader carries one hash; the list carries the runtime's, so that a
  // changed list, wasm_exec.js or wasm is refused.
  var assets = "__CRUMBLESS_ASSETS__";

  // ---- configuration -------------------------------------------------------
  var base = new URL(data.base || ".", script.src).href;
  // The script tag's data- attributes over the defaults; the runtime reads
  // them from boot.config (absent ones as ""; consent is explicit only when
  // it says so).
  var config = Object.assign({ theme: "auto", position: "right" }, data);
  var prefix = config.prefix ||= "crumbless-"; // never unprefixed keys, even with data-prefix=""
  var implicit = config.consent != "explicit";
  config.version = assets[2];

  // ---- styles --------------------------------------------------------------
  // The launcher's styles; the panel's (static/panel.css: the theme, the
  // frame, its loading and error states) come with the runtime list, which
  // is fetched on hover, focus or click. :host resets everything the page
  // could make the host inherit, with !important because in the shadow tree
  // that beats the page's rules.
  var css =
    ":host{all:initial!important}" +
    ".cl{--cl-accent:var(--crumbless-accent,#4f46e5);position:fixed;bottom:20px;right:20px;z-index:2147483000;font:15px/1.45 system-ui,sans-serif}" +
    ".cl[data-position=left]{right:auto;left:20px}" +
    ".launcher{position:relative;width:56px;height:56px;border:0;border-radius:50%;display:grid;place-items:center;" +
    "background:var(--cl-accent);color:#fff;cursor:pointer;box-shadow:0 6px 20px #0003}" +
    ".launcher:focus-visible{outline:3px solid var(--cl-accent);outline-offset:3px}" +
    // The icon, a speech bubble, is drawn by CSS: no SVG for the HTML parser.
    ".launcher::before{content:'';width:24px;height:22px;background:currentColor;border-radius:12px 12px 12px 2px}" +
    ".badge{position:absolute;top:-4px;right:-4px;padding:0 6px;border-radius:9px;background:#d92d20;font:700 12px/18px system-ui}" +
    // The panel's frame with its loading state, shown at once on a click;
    // the runtime list's styles then give it the theme's colours (until
    // then the browser's, in the theme's colour scheme). Below 480 px it
    // covers the viewport; from 480 px it floats above the launcher. The
    // launcher stays over the frame: until the runtime's header is there,
    // it is the way to close it.
    "[data-theme=dark]{color-scheme:dark}[data-theme=auto]{color-scheme:light dark}" +
    ".panel{position:fixed;inset:0;display:flex;flex-flow:column;overflow:hidden;background:Canvas;color:CanvasText}" +
    "@media(min-width:480px){.panel{position:absolute;inset:auto 0 72px auto;width:380px;height:600px;max-height:calc(100vh - 112px);border-radius:16px;box-shadow:0 12px 48px #0004}" +
    ".cl[data-position=left] .panel{right:auto;left:0}}[hidden]{display:none}.state{margin:auto;padding:24px;text-align:center}";

  // ---- storage -------------------------------------------------------------
  // read returns the data of a prefixed key in the Crumbless envelope, or
  // undefined. Keys exist only after the visitor acted, so reading them
  // honours what they chose earlier. The loader writes one key, and only
  // when told to: the refusal (see the queue).
  function read(name, area) {
    try {
      var e = JSON.parse(w[(area || "local") + "Storage"].getItem(prefix + name));
      if (e.v == 1 && !(e.exp && e.exp < Date.now())) return e.data;
    } catch (err) { /* blocked, absent or corrupt: as if absent */ }
  }

  // ---- queue ---------------------------------------------------------------
  // boot is read by the runtime: it takes boot.queue, then sets boot.run;
  // boot.root, wrapper, launcher and panel are the frame it takes over,
  // boot.list the runtime list (where the catalogs are).
  var boot = { config: config, queue: [], base: base };
  var queued = api?.q || []; // calls made before this script ran, through the snippet
  var host, wrap, launcher, panel, open = false, destroyed, ac;

  api = w.crumbless = (...args) => {
    var c = args[0], item = [args];
    if (c == "destroy") return destroy();
    if (boot.run) return boot.run(args);
    if (c == "state") {
      var storage = "local";
      try { w.localStorage, w.sessionStorage; } catch (err) { storage = "memory"; }
      return Promise.resolve({
        open: open, view: "home", theme: theme(), lang: config.lang || "en", unread: unread(),
        // A stored decision (a refusal, or explicit consent), or the mode's default.
        consent: read("consent") ?? implicit, storage: storage, ready: false, version: config.version
      });
    }
    if (c == "toggle") c = open ? "close" : "open";
    if (c == "open" || c == "close") return show(c == "open");
    if (c == "forget" || (c == "consent" && typeof args[1] == "boolean")) decide(c == "forget", args[1]);
    boot.queue.push(item);
    // invite runs the invitation module (static/invite.js, named with its
    // hash in the runtime list), which takes the invite calls from the
    // queue: a page without an invitation fetches neither.
    if (c == "invite") files().then((m) => addScript(m.invite));
    // disclosure waits for the runtime, which holds the registry.
    if (c == "disclosure") return new Promise((resolve) => { item[1] = resolve; });
  };
  api._b = boot;

  // decide does at once what the runtime does for forget and consent
  // (the call is queued for the runtime too), without waiting for a runtime
  // that may never be loaded. The decision the runtime stores under
  // "consent" — consent given in explicit mode, a refusal in implicit mode,
  // where storing is the default — is written first, so that other tabs
  // hear it before the removals, in the runtime's envelope and lifetime
  // (internal/shared/registry: 180 days); consent true in implicit mode lifts a
  // refusal. Consent false and forget then wipe every other prefixed key
  // from both storages; forget keeps a refusal, as the runtime does:
  // forgetting is no reason to start storing again.
  function decide(forget, granted) {
    var key = prefix + "consent", keep = forget ? implicit && read("consent") === false : granted != implicit;
    try {
      if (!forget) keep ? w.localStorage.setItem(key, JSON.stringify({ v: 1, exp: Date.now() + 180 * 864e5, data: granted })) : w.localStorage.removeItem(key);
    } catch (err) { /* blocked storage holds nothing */ }
    if (!granted) ["local", "session"].forEach((area) => {
      try {
        var s = w[area + "Storage"];
        Object.keys(s).forEach((k) => k.startsWith(prefix) && !(keep && k == key) && s.removeItem(k));
      } catch (err) { /* as above */ }
    });
  }

  // theme is the theme the visitor chose earlier, or the page's default.
  function theme() {
    var t = read("theme");
    return /^(light|dark|auto)$/.test(t) ? t : config.theme;
  }

  // unread is the count of replies not read yet (the runtime writes the
  // local key, in every tab, once the visitor has used the chat).
  function unread() { var n = read("unread"); return n > 0 ? n | 0 : 0; }

  function el(tag, className, attrs) {
    var e = d.createElement(tag);
    e.className = className;
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    return e;
  }

  function idle(fn) { (w.requestIdleCallback || setTimeout)(fn); }

  // ---- runtime list and prefetch -------------------------------------------
  // files fetches the runtime list once (again after a failure), checked
  // against the hash the bundler put in this script, and adds the panel's
  // styles it carries to the launcher's.
  var list;
  function files() {
    return list ||= get(assets).then((res) => res.json()).then((m) => {
      sheet.replaceSync(css + m.css);
      return boot.list = m;
    }).catch((err) => { list = 0; throw err; });
  }

  // get fetches the file f ([path, sri]), refused unless it matches its
  // hash (unchecked with own: wasm_exec.js checks the wasm); it rejects with
  // the URL and why.
  function get(f, own) {
    var url = base + f[0];
    return fetch(url, { integrity: own ? "" : f[1] }).then((res) => res.ok ? res : failure(url), () => failure(url));
  }

  // runtime fetches the runtime once (again after a failure): it runs
  // wasm_exec.js and resolves to the wasm's module, compiled as it
  // downloads and checked against the list's hash by wasm_exec.js
  // (Go.compile, static/exec.js). Hovering or focusing the launcher starts
  // it ("hover", the default), so does the load event ("idle"), or else the
  // first click; the click takes it over, and reports a failure.
  var warmed;
  function runtime() {
    (warmed ||= files().then(async (m) => {
      var res = get(m.wasm, 1);
      res.catch(() => { /* reported below, unless wasm_exec.js failed first */ });
      w.Go?.compile || await addScript(m.exec);
      return w.Go.compile(await res, m.wasm[1], failure);
    }).catch((err) => { warmed = 0; throw err; })).catch(() => { /* load reports it */ });
    return warmed;
  }
  function prefetch() { destroyed || runtime(); }

  // ---- panel frame and runtime ---------------------------------------------
  // show opens (true) or closes the panel frame; the first open loads the
  // runtime, which then takes over.
  function show(on) {
    if (on && !panel) {
      wrap.prepend(boot.panel = panel = el("div", "panel", { role: "dialog", "aria-label": "Chat" }));
      wrap.dataset.theme = theme();
    }
    if (panel) panel.hidden = !on;
    launcher.setAttribute("aria-expanded", open = on);
    if (on) load();
  }

  // status shows the loading state, or an error with a retry button.
  function status(text, retry) {
    var p = el("div", "state", { role: retry ? "alert" : "status" }), b = el("button", "");
    p.textContent = text;
    b.textContent = "Try again";
    b.onclick = load;
    if (retry) p.append(b);
    panel.replaceChildren(p);
    b.focus();
  }

  // load fetches the runtime list, then wasm_exec.js and the wasm at the
  // same time, each refused when it does not match its hash, and runs the
  // runtime; a failure shows an error with a retry button.
  var loading;
  function load() {
    if (loading) return;
    status("Loading…");
    loading = runtime().then(async (mod) => {
      if (destroyed) return;
      var go = new w.Go(), instance = await WebAssembly.instantiate(mod, go.importObject);
      if (destroyed) return;
      boot.go = go;
      go.run(instance);
    }).catch((err) => {
      loading = 0;
      if (destroyed) return;
      console.error("crumbless: could not load the chat runtime: " + err.message);
      status("The chat could not be loaded.", 1);
    });
  }

  // failure throws why url could not be used (why, or found out with a HEAD
  // request: the browser tells a script only that a fetch or script failed).
  async function failure(url, why) {
    var res = why || await fetch(url, { method: "HEAD", cache: "no-store" }).catch(() => 0);
    throw Error(url + ": " + (why || (!res ? "network error" : res.ok ? "does not match its integrity hash" : "HTTP " + res.status)));
  }

  // addScript runs the script f of the runtime list ([path, sri]).
  function addScript(f) {
    return new Promise((resolve, reject) => {
      var s = d.createElement("script"), src = s.src = base + f[0];
      s.crossOrigin = "anonymous"; // the same request as prefetch's fetch, so the cache serves it
      s.integrity = f[1];
      s.onload = resolve;
      s.onerror = () => { s.remove(); failure(src).catch(reject); };
      root.append(s); // runs there too, and goes with the host on destroy
    });
  }

  // ---- destroy -------------------------------------------------------------
  // destroy stops the runtime, removes every node and listener the widget
  // added and puts the snippet's queueing function back, so the page is as
  // it was (and the loader can be added again). The launcher's handlers go
  // with its node.
  function destroy() {
    boot.run?.(["destroy"]); // the runtime lets go of boot.run
    destroyed = 1;
    ac?.abort();
    host.remove();
    w.crumbless = function () { (w.crumbless.q = w.crumbless.q || []).push(arguments); }; // the snippet's
  }

  // ---- launcher ------------------------------------------------------------
  // The launcher is drawn at once: in the body, or in the root element
  // while the body is not parsed yet (the parser adds the body after it).
  host = d.createElement("div");
  host.id = "crumbless-root";
  var root = host.attachShadow({ mode: "open" }), sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];
  // The launcher looks the same in every theme; the stored theme is read
  // when the panel frame is first shown.
  root.append(wrap = el("div", "cl", { "data-theme": config.theme, "data-position": config.position }));
  wrap.append(launcher = el("button", "launcher", { "aria-expanded": false, "aria-label": "Open chat" }));
  launcher.onclick = () => api("toggle");
  if (config.prefetch != "idle" && config.prefetch != "none") launcher.onpointerenter = launcher.onfocus = prefetch; // hover, the default
  (d.body || d.documentElement).append(host);
  boot.root = root; boot.wrapper = wrap; boot.launcher = launcher;
  for (var a of queued) api(...a);
  if ("invite" in data) api("invite"); // data-invite: the script tag's invitation

  // Once the launcher is on screen: the unread count, and an open panel the
  // visitor left in this tab, when the visitor may have used the widget
  // before — after a reload, back/forward ("reload", "back_forward") or
  // from a page of the same site. Only then is storage read: a first Web
  // Storage access blocks the main thread for milliseconds, which a visitor
  // who just arrived should not pay — nor the idle callback (about 1 ms of
  // main thread on the build machine), so the check is made here.
  var nav = performance.getEntriesByType("navigation")[0]?.type;
  if (nav == "reload" || nav == "back_forward" || d.referrer.startsWith(location.origin + "/")) idle(() => {
    if (destroyed || panel) return; // the visitor was quicker
    var n = unread();
    if (n) {
      var badge = el("span", "badge");
      badge.textContent = n;
      launcher.append(badge);
      launcher.setAttribute("aria-label", "Open chat, " + n + " unread");
    }
    if (read("open", "session") === true) show(true); // open before a reload in this tab
  });
  if (config.prefetch == "idle") {
    if (d.readyState == "complete") idle(prefetch);
    else w.addEventListener("load", () => idle(prefetch), { signal: (ac = new AbortController()).signal });
  }
})();
