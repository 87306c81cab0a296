/**
 * The GitHub adapter as the server's settings configure it.
 * @module
 */
import type { Settings } from "../../src/settings.ts";
import { createGithubAdapter } from "./adapter.ts";
import type { PlatformDeps } from "../_shared/platform_deps.ts";
import type { GitAdapter } from "../../src/platform/mod.ts";

/**
 * The adapter, or why GitHub is disabled. Throws when it is half configured (a secret but no way
 * to call the API), which `loom serve` reports as a start-up failure.
 */
export function githubFromSettings(settings: Settings, deps: PlatformDeps): GitAdapter | string {
  const gh = settings.github;
  if (!gh.webhookSecret) return "set LOOM_GITHUB_WEBHOOK_SECRET to enable it";
  let privateKey = gh.appPrivateKey;
  if (!privateKey && gh.appPrivateKeyFile) {
    try {
      privateKey = deps.readFile(gh.appPrivateKeyFile);
    } catch (error) {
      throw new Error(
        `LOOM_GITHUB_APP_PRIVATE_KEY_FILE ${gh.appPrivateKeyFile} cannot be read: ${
          error instanceof Error ? error.message : error
        }`,
      );
    }
  }
  if (gh.appId && !privateKey) {
    throw new Error(
      "LOOM_GITHUB_APP_ID is set but neither LOOM_GITHUB_APP_PRIVATE_KEY nor " +
        "LOOM_GITHUB_APP_PRIVATE_KEY_FILE",
    );
  }
  if (!gh.token && !gh.appId) {
    throw new Error(
      "LOOM_GITHUB_WEBHOOK_SECRET is set but Loom cannot call GitHub: set LOOM_GITHUB_TOKEN, " +
        "or LOOM_GITHUB_APP_ID with its private key",
    );
  }
  return createGithubAdapter({
    apiUrl: gh.apiUrl,
    webhookSecret: gh.webhookSecret,
    token: gh.appId ? undefined : gh.token,
    app: gh.appId && privateKey ? { appId: gh.appId, privateKey } : undefined,
    fetch: deps.fetch,
  });
}
