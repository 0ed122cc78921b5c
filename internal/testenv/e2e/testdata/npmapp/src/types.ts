// Type checks for tsc --noEmit; never run. Each @ts-expect-error must meet
// an error, so declarations that lost their types fail the check.
import { crumbless, load } from "crumbless";

export async function typeChecks(): Promise<string> {
  crumbless("theme", "dark");
  crumbless("navigate", "answers/returns");
  crumbless("consent", true);
  crumbless("on", "message", (m) => m.text.toUpperCase());
  const keys: Crumbless.DisclosedKey[] = await crumbless("disclosure");
  const state: Crumbless.State = await crumbless("state");
  // @ts-expect-error: not a theme
  crumbless("theme", "purple");
  // @ts-expect-error: not a command
  crumbless("colour");
  // @ts-expect-error: the detail of "unread" has no text
  crumbless("on", "unread", (d) => d.text);
  // @ts-expect-error: site is required
  load({ src: "https://cdn.example/crumbless/" });
  // @ts-expect-error: not a position
  load({ src: "https://cdn.example/crumbless/", site: "shop", position: "top" });
  load({ src: "https://chat.example/crumbless.js", site: "shop", integrity: false, theme: "dark", prefetch: "idle" });
  return state.theme + keys.length;
}
