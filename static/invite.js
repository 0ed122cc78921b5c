/*
 * Crumbless invitation module. The loader runs it (from the runtime list,
 * checked against its hash) only on a page that configures an invitation
 * (data-invite) or calls crumbless('invite', …); a page without one fetches
 * nothing of it. It waits for the configured trigger, then shows a teaser
 * beside the launcher, in the loader's shadow root, or opens the panel
 * (data-invite-open). It stores nothing before the visitor acts: whether
 * this visit was invited already is derived from the navigation (only a
 * visit's landing page invites), and the visitor's acts are kept in the
 * declared session key "markers" (teaser closed here; the runtime adds
 * opened, auto-opened, closed, first message shown and header clicked).
 * Hand-written; make build minifies it with esbuild.
 */
(function () {
  var w = window, d = document, api = w.crumbless, boot = api?._b;
  if (!boot) return; // destroyed before it ran
  // Each invite call runs this script again (from the HTTP cache; the
  // script elements stay in the shadow root and go with it): the first copy
  // stays in charge and takes the new calls from the queue.
  if (boot.take) return boot.take();

  var config = boot.config, root = boot.root, teaser, fired, kept = {}, sheet = new CSSStyleSheet();

  // The teaser's styles: a bubble above the launcher, on its side, in the
  // theme's colour scheme (the frame's data-theme).
  sheet.replaceSync(
    ".tz{position:absolute;bottom:72px;right:0;display:flex;gap:8px;width:max-content;max-width:300px;padding:12px;border-radius:16px;" +
    "background:Canvas;color:CanvasText;box-shadow:0 6px 24px #0004}.cl[data-position=left] .tz{right:auto;left:0}" +
    ".tz button{all:unset;cursor:pointer}.tz button:focus-visible{outline:3px solid var(--cl-accent)}.tz b{display:block}");
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];

  // read returns the data of a prefixed key in the Crumbless envelope, or
  // undefined (blocked, absent, expired or corrupt).
  function read(name, area) {
    try {
      var e = JSON.parse(w[area + "Storage"].getItem(config.prefix + name));
      if (e.v == 1 && !(e.exp && e.exp < Date.now())) return e.data;
    } catch (err) { /* as if absent */ }
  }

  // markers is this tab's record of what the visitor did with invitations:
  // what is stored, and what this page could not store. With name it
  // records that the visitor just did that (a timestamp), in storage unless
  // the visitor refused it or the page asks for consent not given yet. It
  // is called only from the visitor's own acts.
  function markers(name) {
    var m = Object.assign(kept, read("markers", "session")), consent = read("consent", "local");
    if (name) {
      m[name] = Date.now();
      if (config.consent == "explicit" ? consent === true : consent !== false) {
        try { sessionStorage.setItem(config.prefix + "markers", JSON.stringify({ v: 1, exp: 0, data: m })); } catch (err) { /* memory only */ }
      }
    }
    return m;
  }

  // emit calls the listeners the page registered with crumbless('on', name,
  // fn): while the runtime does not run (an invitation shows only then),
  // they wait in its queue.
  function emit(name, detail) {
    var fns = new Set();
    for (var [a] of boot.queue) if (a[1] == name) a[0] == "on" ? fns.add(a[2]) : a[0] == "off" && fns.delete(a[2]);
    fns.forEach((fn) => queueMicrotask(() => fn(detail)));
  }

  function el(tag, props) { return Object.assign(d.createElement(tag), props); }

  function hide() { teaser?.remove(); }

  // invite shows the teaser for o ({text, name, view}), or opens the panel
  // when o.open. Never twice on a page, not once the visitor opened the
  // widget here, not after destroy, never again in a tab where the visitor
  // closed the teaser or the panel.
  function invite(o) {
    var m = markers(), text = el("span");
    if (fired || m.teaser || m.closed || boot.run || boot.panel || w.crumbless != api) return;
    fired = 1;
    // The runtime opens on view and shows this message first in the chat.
    boot.invite = { text: o.text || "", name: o.name || "", view: o.view || "chat", at: Date.now() };
    if (o.open) {
      boot.auto = 1; // not the visitor's act: the runtime stores nothing for it
      return api("open");
    }
    var close = el("button", {
      type: "button", textContent: "×", ariaLabel: "Close",
      onclick() {
        hide();
        markers("teaser");
        emit("invite:closed", {});
        boot.launcher.focus();
      }
    });
    // A message in a right-to-left script (its first letter) lays the
    // bubble out right to left.
    teaser = el("div", { className: "tz", dir: /^\P{L}*[\u0590-\u08ff]/u.test(o.text) ? "rtl" : "ltr", ariaLive: "polite", onkeydown: (ev) => ev.key == "Escape" && close.onclick() });
    teaser.append(el("button", {
      type: "button",
      onclick() {
        hide();
        emit("invite:clicked", { view: boot.invite.view });
        api("open");
      }
    }), close);
    teaser.firstChild.append(text);
    boot.wrapper.append(teaser);
    // Announced once, politely: the live region is there before its text.
    setTimeout(() => text.append(o.name ? el("b", { textContent: o.name }) : "", o.text), 50);
    emit("invite:shown", { text: o.text });
  }

  // This page is where the visit landed: not a reload, not back or forward,
  // not reached from a page of the same site.
  var nav = performance.getEntriesByType("navigation")[0]?.type, again = nav == "reload" || nav == "back_forward";
  var landing = !again && !d.referrer.startsWith(location.origin + "/");

  // fromTag arms the triggers of the script tag's data-invite-* attributes:
  // each fires the invitation once, the first to happen wins; with none the
  // invitation shows at once. data-invite-path ("/pricing /docs/*") limits
  // it to the pages it names.
  function fromTag() {
    var { inviteOpen: opens, invitePath: path, inviteParam: param, inviteDelay: delay, inviteScroll: scroll, inviteExit: exit } = config;
    var ac = new AbortController(), on = { signal: ac.signal }, here = location.pathname;
    var fire = (kind) => {
      ac.abort();
      invite({ text: config.invite, name: config.inviteName, view: config.inviteView, open: opens != null && (!opens || opens.split(" ").includes(kind)) });
    };
    if (path && !path.split(" ").some((p) => p.endsWith("*") ? here.startsWith(p.slice(0, -1)) : here == p)) return;
    if (param != null) {
      var [k, v] = (param || "chat=open").split("=");
      // An explicit link: also from a page of the same site, not on a reload.
      if (!again && new URLSearchParams(location.search).get(k) == (v || "")) return fire("param");
    }
    if (!landing) return;
    if (delay) setTimeout(() => fire("delay"), delay * 1000);
    if (scroll) w.addEventListener("scroll", () => scrollY * 100 >= (d.documentElement.scrollHeight - innerHeight) * scroll && fire("scroll"), on);
    // Exit intent: the pointer leaves the page at the top, where the tabs
    // and the address bar are. Not on touch screens, which have no such move.
    if (exit != null && !matchMedia("(pointer:coarse)").matches) d.addEventListener("mouseout", (ev) => !ev.relatedTarget && ev.clientY <= 0 && fire("exit"), on);
    if (!delay && !scroll && param == null && exit == null) fire("now");
  }

  // take handles the invite calls waiting in the queue: no argument is the
  // script tag's invitation; {text, name?, view?, delay?, open?} is the
  // page's own, after delay seconds (0). A page's call is shown on any page
  // of the visit: the page decided to ask.
  boot.take = () => {
    boot.queue = boot.queue.filter(([a]) => {
      var o = a[1];
      if (a[0] != "invite") return 1;
      if (o === undefined) fromTag();
      else if (typeof o?.text == "string" && o.text) setTimeout(() => invite(o), o.delay * 1000 || 0);
      else console.warn("crumbless: invite needs {text: string}");
    });
  };
  boot.launcher.addEventListener("click", hide); // the visitor went to the panel by itself
  boot.take();
})();
