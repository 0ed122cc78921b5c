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
 *
 * Every byte here is paid before interaction (budget: 1,000 bytes brotli,
 * checked by the e2e TestInviteModuleWithinBudget), so the teaser's styles
 * (its close button's glyph too) live with the frame's in static/panel.css
 * (the runtime list, which the loader fetches and applies before it runs
 * this module; the teaser takes the theme's colours from it), defaults the
 * runtime can fill in are left to it, and the code is written for the
 * minifier: arrows, defaults as parameters.
 * Hand-written; make build minifies it with esbuild.
 */
(() => {
  var w = window, d = document, api = w.crumbless, boot = api?._b, config = boot?.config, teaser, fired;

  // emit calls the listeners the page registered with crumbless('on', name,
  // fn): while the runtime does not run (an invitation shows only then),
  // they wait in its queue.
  var emit = (name, detail, fns = new Set()) => {
    for (var [[c, n, fn]] of boot.queue) n == "invite:" + name && fns[c == "on" ? "add" : "delete"](fn); // on or off
    for (var fn of fns) setTimeout(fn, 0, detail);
  };

  var el = (tag, props) => Object.assign(d.createElement(tag), props);

  // invite shows the teaser for o ({text, name, view}), or opens the panel
  // when o.open. Never twice on a page, not once the visitor opened the
  // widget here, not after destroy, never again in a tab where the visitor
  // closed the teaser or the panel.
  var invite = (o) => {
    // The markers this tab keeps (in the envelope the runtime writes them
    // in, which does not expire), or none.
    var m = {}, key = config.prefix + "markers", close = () => {
      teaser.remove();
      m.teaser = Date.now();
      // The visitor's act is stored unless they refused storage, or the
      // page asks for consent not given yet: the loader's state says.
      api("state").then((s) => s.consent && sessionStorage.setItem(key, JSON.stringify({ v: 1, exp: 0, data: m }))).catch(() => { /* memory only */ });
      emit("closed", {});
      boot.launcher.focus();
    };
    try {
      m = JSON.parse(sessionStorage.getItem(key)).data || m;
    } catch (err) { /* blocked, absent or corrupt: none */ }
    if (fired || m.teaser || m.closed || boot.panel || w.crumbless != api) return; // boot.panel: opened (the runtime runs in it)
    // The runtime opens on view (chat when absent), shows this message
    // first in the chat and sends it with the conversation's first message.
    fired = boot.invite = o;
    if (o.open) return boot.auto = 1, api("open"); // not the visitor's act: the runtime stores nothing for it
    // dir=auto: the message's own direction (its first strong letter) lays
    // the bubble out, a right-to-left one right to left; the name, in a
    // bdi, has its own and does not count.
    teaser = el("div", { className: "tz", dir: "auto", ariaLive: "polite", onkeydown: (ev) => ev.key == "Escape" && close() });
    teaser.append(el("button", {
      onclick() {
        boot.clicked = 1; // for the runtime's statistics: the teaser opened the panel
        emit("clicked", { view: o.view || "chat" });
        api("open");
      }
    }), el("button", { ariaLabel: "Close", onclick: close }));
    // After the panel's frame (a click on the teaser or the launcher opens
    // it), panel.css hides the teaser for good.
    boot.wrapper.append(teaser);
    // Announced once, politely: the live region is there before its text.
    setTimeout(() => teaser.firstChild.append(o.name ? el("bdi", { textContent: o.name }) : "", o.text), 50);
    emit("shown", { text: o.text });
  };

  // This page is where the visit landed unless it is a reload, back or
  // forward, or reached from a page of the same site.
  var nav = performance.getEntriesByType("navigation")[0]?.type, again = /^[rb]/.test(nav); // reload, back_forward

  // fromTag arms the triggers of the script tag's data-invite-* attributes:
  // each fires the invitation once, the first to happen wins; with none the
  // invitation shows at once. data-invite-path ("/pricing /docs/*") limits
  // it to the pages it names; data-invite-open names the triggers that open
  // the panel (empty: all).
  var fromTag = (opens = config.inviteOpen, param = config.inviteParam, delay = config.inviteDelay, scroll = config.inviteScroll, exit = config.inviteExit, here = location.pathname) => {
    var fire = (kind) => fired || invite({ text: config.invite, name: config.inviteName, view: config.inviteView, open: opens == "" || opens?.includes(kind) });
    if ((config.invitePath || "*").split(" ").every((p) => p.endsWith("*") ? !here.startsWith(p.slice(0, -1)) : here != p)) return;
    // An explicit link: also from a page of the same site, not on a reload.
    // "name=value" is that value, "name" any.
    if (param != null && !again && new URLSearchParams(location.search).has(...(param || "chat=open").split("="))) return fire("param");
    if (again || d.referrer.startsWith(location.origin + "/")) return;
    delay && setTimeout(fire, delay * 1000, "delay");
    scroll && w.addEventListener("scroll", () => scrollY / (d.documentElement.scrollHeight - innerHeight) * 100 >= scroll && fire("scroll"));
    // Exit intent: the pointer leaves the page at the top, where the tabs
    // and the address bar are. Not on touch screens, which have no such move.
    exit != null && !matchMedia("(pointer:coarse)").matches && d.addEventListener("mouseout", (ev) => ev.relatedTarget || ev.clientY > 0 || fire("exit"));
    delay || scroll || param != null || exit != null || fire("now");
  };

  // take handles the invite calls waiting in the queue: no argument is the
  // script tag's invitation; {text, name?, view?, delay?, open?} is the
  // page's own, after delay seconds (0). A page's call is shown on any page
  // of the visit: the page decided to ask. A call without a text stays in
  // the queue, where the runtime warns about it as about every bad call
  // made before it ran. Each invite call runs this script again (from the
  // HTTP cache): the first copy stays in charge and takes the new calls;
  // none runs after destroy (no boot).
  if (boot && !boot.take) {
    boot.take = () => {
      boot.queue = boot.queue.filter(([a, o = a[1]]) => a[0] != "invite" ||
        (o === undefined ? fromTag() : !o?.text?.trim || !o.text || void setTimeout(invite, o.delay * 1000 || 0, o)));
    };
  }
  boot?.take();
})();
