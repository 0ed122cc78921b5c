/*
 * The crumbless npm package: load() adds the widget's loader to the page
 * once, crumbless() is window.crumbless, the embed snippet's queue until the
 * loader runs. Nothing happens at import and nothing without a window
 * (server-side rendering). make dist fills in the loader's file name and
 * hash, minifies this file and packs it; its budget is 1,000 bytes brotli.
 */

// Replaced by make dist: [pinned loader file, its sha384 SRI hash], the
// loader of the distribution this package was packed with.
var LOADER = "__CRUMBLESS_LOADER__";

// The id of the script element load() adds.
var ID = "crumbless-loader";

// api returns window.crumbless, defining it as the embed snippet's queue
// when no snippet or loader did; undefined without a window.
function api() {
  if (typeof window == "undefined") return;
  var f = (window.crumbless ||= function () { (f.q ||= []).push(arguments); });
  return f;
}

// replay is the iterator of the queue while no loader runs. The loader
// replays the queue with for…of once it has taken over window.crumbless, so
// a query queued here is asked of the loader at its place in the queue,
// after the calls made before it.
function* replay() {
  for (var a of Array.prototype.values.call(this)) a.r ? a.r(window.crumbless(...a)) : yield a;
}

/**
 * crumbless(command, ...args) calls window.crumbless. Before the loader runs,
 * commands wait in the snippet's queue, and "state" and "disclosure" return
 * Promises answered when the loader replays the queue.
 */
export function crumbless(...args) {
  var f = api(), q;
  if (!f || f._b || (args[0] != "state" && args[0] != "disclosure")) return f?.(...args);
  q = f.q ||= [];
  q[Symbol.iterator] = replay;
  return new Promise((resolve) => q.push(Object.assign(args, { r: resolve })));
}

/**
 * load({src, site, ...}) adds the loader's script element, once: it does
 * nothing while a loader runs or the one it added is still on its way, so
 * calling it again (a re-render, a hot reload) adds nothing. src is the
 * folder where this version's distribution is hosted (the pinned loader,
 * checked with Subresource Integrity, is taken from it) or a loader's URL
 * ending in .js (checked with the same hash unless integrity is false or
 * another hash). nonce is set on the script element; every other option
 * becomes a data- attribute (site, api, theme, lang, ...).
 */
export function load(options) {
  var f = api(), d = f && document, s = d?.getElementById(ID);
  if (!f || f._b || (s && !s.done)) return;
  s?.remove(); // ran and was destroyed, or failed: add it again
  var { src, integrity = LOADER[1], nonce, ...data } = options;
  s = d.createElement("script");
  s.id = ID;
  s.src = /\.js([?#]|$)/.test(src) ? src : src.replace(/\/?$/, "/") + LOADER[0];
  s.crossOrigin = "anonymous";
  if (integrity) s.integrity = integrity;
  if (nonce) s.nonce = nonce;
  for (var k in data) if (data[k] != null) s.dataset[k] = data[k];
  s.onload = s.onerror = () => { s.done = 1; };
  d.head.append(s);
}
