// Types for the Crumbless widget's page API, window.crumbless (CONTRACT §4).
// Copy this file into a TypeScript project, or reference it with
// /// <reference path="crumbless.d.ts" />.

declare namespace Crumbless {
  type Theme = "light" | "dark" | "auto";
  type View = "home" | "chat" | "answers" | `answers/${string}` | "forms" | `forms/${string}` | "privacy" | "settings";

  /** What crumbless('state') resolves to. Before the runtime runs, the loader answers with ready: false. */
  interface State {
    open: boolean;
    view: string;
    theme: Theme;
    /** BCP 47 language tag in effect. */
    lang: string;
    /** Replies the visitor has not read yet. */
    unread: number;
    /** Whether the visitor's decision lets the widget store: in implicit mode unless refused (crumbless('consent', false)), in explicit mode only after crumbless('consent', true). */
    consent: boolean;
    /** "memory" once the browser refused Web Storage; the widget then keeps working in memory. */
    storage: "local" | "memory";
    /** Whether the Go runtime has started and replayed the queue. */
    ready: boolean;
    /** This tab's identity among the visitor's tabs: kept across reloads of the tab (session key "tab"), a new one for a duplicated tab (and, without Web Locks, on every page load); set once ready. */
    tab?: string;
    /** Whether this tab holds the visitor's one live connection and sends the shared outbox; set once ready. */
    leader?: boolean;
    /** The bundle's version (VERSION plus the commit, e.g. "0.1.0-8803b86"), as in the dist's name. */
    version: string;
  }

  /** One key the widget can ever write, as crumbless('disclosure') and GET /disclosure.json give it. */
  interface DisclosedKey {
    /** The key with its prefix, e.g. "crumbless-theme". */
    key: string;
    area: "local" | "session";
    purpose: string;
    category: "strictly-necessary" | "functional";
    /** Lifetime in seconds; 0 = until the tab closes. */
    ttl: number;
    renewed?: boolean;
    lifetime?: string;
    written?: string;
  }

  /**
   * crumbless('invite', …): a teaser with text, after delay seconds (0),
   * whose click opens the panel on view ("chat"); open: true opens the
   * panel instead (it loads the runtime). Never again in a tab whose
   * visitor closed the teaser or the panel.
   */
  interface Invitation {
    text: string;
    /** The agent named in the teaser and in the chat. */
    name?: string;
    view?: View;
    delay?: number;
    open?: boolean;
  }

  /** The detail object each event's listener receives. */
  interface Events {
    ready: State;
    open: {};
    close: {};
    navigate: { view: string };
    /** A chat message arrived, or one the visitor sent was stored; once per message and tab; at is unix ms. */
    /** sound is true in exactly one of the visitor's tabs for each new agent message: the one that plays the chime. */
    message: { id: string; from: string; author: string; text: string; at: number; sound: boolean };
    unread: { unread: number };
    theme: { theme: Theme };
    lang: { lang: string };
    consent: { consent: boolean };
    /** The teaser of an invitation was shown (text: its message). */
    "invite:shown": { text: string };
    /** The visitor closed the teaser (its Close button or Esc). */
    "invite:closed": {};
    /** The visitor clicked the teaser, which opens the panel on view. */
    "invite:clicked": { view: string };
  }
  type EventName = keyof Events;

  interface API {
    (command: "open" | "close" | "toggle" | "forget" | "destroy"): void;
    (command: "theme", theme: Theme): void;
    (command: "navigate", view: View): void;
    (command: "lang", tag: string): void;
    (command: "consent", granted: boolean): void;
    (command: "state"): Promise<State>;
    (command: "disclosure"): Promise<DisclosedKey[]>;
    (command: "invite", invitation: Invitation): void;
    <E extends EventName>(command: "on" | "off", event: E, listener: (detail: Events[E]) => void): void;
    /** Calls queued by the embed snippet before the loader arrived. */
    q?: IArguments[];
  }
}

interface Window {
  crumbless: Crumbless.API;
}
declare var crumbless: Crumbless.API;
