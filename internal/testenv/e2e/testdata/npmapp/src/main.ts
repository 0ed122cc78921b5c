// The page under test: the widget from the crumbless package, hosted at the
// folder the query names (?dist=…), under the page's nonce.
import { crumbless, load, type LoadOptions } from "crumbless";

const dist = new URLSearchParams(location.search).get("dist") ?? "";
const nonce = document.querySelector<HTMLMetaElement>("meta[property=csp-nonce]")?.nonce;
const options: LoadOptions = { src: dist, site: "npm-e2e", nonce };

// Called before the loader exists: queued, and answered in order once it runs.
const events: string[] = [];
crumbless("on", "open", () => { events.push("open"); });
crumbless("on", "ready", () => { events.push("ready"); });
crumbless("on", "theme", (detail) => { events.push("theme " + detail.theme); });
const early: Promise<Crumbless.State> = crumbless("state");

load(options);
load(options); // as a re-render would: adds nothing

Object.assign(window, { app: { load: () => load(options), crumbless, early, events } });
