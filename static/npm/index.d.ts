// Types of the crumbless npm package. The widget's commands and events are
// declared once, in crumbless.d.ts, the file the script-tag API ships with.
/// <reference path="./crumbless.d.ts" />

/** What load() needs: where the widget is hosted, and the script tag's data- attributes. */
export interface LoadOptions {
  /**
   * The URL of the folder where this version's distribution (make dist) is
   * hosted, e.g. "https://cdn.example.com/crumbless/": the pinned loader is
   * taken from it and checked with Subresource Integrity. Or a loader's URL
   * ending in .js, e.g. "https://chat.example.com/crumbless.js".
   */
  src: string;
  /** data-site: names the site. */
  site: string;
  /**
   * The loader's SRI hash. Defaults to the hash of the loader this package
   * was packed with; false loads a stable-named loader that is upgraded
   * apart from the package without a check.
   */
  integrity?: string | false;
  /** The nonce of a Content-Security-Policy that allows scripts by nonce. */
  nonce?: string;
  /** data-api: the backend's origin; defaults to the loader's. */
  api?: string;
  consent?: "implicit" | "explicit";
  /** data-prefix: every storage key starts with it; defaults to "crumbless-". */
  prefix?: string;
  theme?: Crumbless.Theme;
  /** data-lang: a BCP 47 tag. */
  lang?: string;
  position?: "right" | "left";
  prefetch?: "hover" | "idle" | "none";
  /** data-chat: "off" for a distribution hosted without a backend. */
  chat?: "off";
  /** data-base: the folder the loader takes its files from, when not its own. */
  base?: string;
  /** data-invite: the teaser's message; the invitation's triggers follow (docs/embedding.md#invitations). */
  invite?: string;
  inviteName?: string;
  inviteView?: Crumbless.View;
  /** Seconds on the page before the invitation. */
  inviteDelay?: number;
  /** Percent of the page scrolled before the invitation. */
  inviteScroll?: number;
  /** "" to invite on exit intent (the pointer leaving toward the top, on a desktop). */
  inviteExit?: string;
  /** Pages to invite on: "/pricing /docs/*". */
  invitePath?: string;
  /** A URL parameter that invites, "name=value"; "" for chat=open. */
  inviteParam?: string;
  /** Triggers that open the panel instead of the teaser ("param exit"); "" for all. Loads the runtime. */
  inviteOpen?: string;
}

/**
 * Adds the widget's loader to the page, once: while a loader runs or the one
 * added is on its way, calling it again adds nothing. Does nothing without a
 * window (server-side rendering).
 */
export declare function load(options: LoadOptions): void;

/**
 * window.crumbless, typed: calls made before the loader runs wait in the
 * snippet's queue and are replayed in order; "state" and "disclosure" then
 * resolve once the loader has replayed them. Does nothing without a window.
 */
export declare const crumbless: Crumbless.API;
