/**
 * The Gitea / Forgejo adapter as the server's settings configure it.
 * @module
 */
import type { Settings } from "../../src/settings.ts";
import { createGiteaAdapter } from "./adapter.ts";
import type { PlatformDeps } from "../_shared/platform_deps.ts";
import type { GitAdapter } from "../../src/platform/mod.ts";

/**
 * The adapter, or why Gitea and Forgejo are disabled (no webhook secret). Throws when half
 * configured (a secret but no instance URL or token), which `loom serve` reports as a start-up
 * failure; the message names the missing variables and never a value.
 */
export function giteaFromSettings(settings: Settings, deps: PlatformDeps): GitAdapter | string {
  const gitea = settings.gitea;
  if (!gitea.webhookSecret) return "set LOOM_GITEA_WEBHOOK_SECRET to enable it";
  const missing = [
    gitea.url ? null : "LOOM_GITEA_URL (the instance, e.g. https://git.example.com)",
    gitea.token ? null : "LOOM_GITEA_TOKEN (an access token Loom posts with)",
  ].filter((m) => m !== null);
  if (missing.length > 0 || !gitea.url || !gitea.token) {
    throw new Error(
      `LOOM_GITEA_WEBHOOK_SECRET is set but Loom cannot call Gitea or Forgejo: set ${
        missing.join(" and ")
      }`,
    );
  }
  return createGiteaAdapter({
    url: gitea.url,
    token: gitea.token,
    webhookSecret: gitea.webhookSecret,
    fetch: deps.fetch,
  });
}
