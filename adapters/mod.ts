/**
 * The platforms Loom talks to, built from the server's settings. A platform is enabled only when
 * its webhook secret is set: verification fails closed.
 * @module
 */
import type { Settings } from "../src/settings.ts";
import { createGithubAdapter } from "./github.ts";
import type { GitAdapter } from "./types.ts";

export type * from "./types.ts";
export { PlatformError, WebhookPayloadError } from "./types.ts";

/** Enabled adapters, and why each other platform is disabled. */
export interface Platforms {
  adapters: Record<string, GitAdapter>;
  disabled: Record<string, string>;
}

/**
 * Builds the adapters `settings` enable. `readFile` reads a GitHub App key file. Throws with a
 * clear message when a platform is half configured (a secret but no way to call its API).
 */
export function platformsFromSettings(
  settings: Settings,
  deps: { fetch?: typeof fetch; readFile?: (path: string) => string } = {},
): Platforms {
  const adapters: Record<string, GitAdapter> = {};
  const disabled: Record<string, string> = {
    gitlab: "GitLab is not supported yet",
    gitea: "Gitea and Forgejo are not supported yet",
    bitbucket: "Bitbucket is not supported yet",
    "azure-devops": "Azure DevOps is not supported yet",
  };
  const gh = settings.github;
  if (!gh.webhookSecret) {
    disabled.github = "set LOOM_GITHUB_WEBHOOK_SECRET to enable it";
  } else {
    const readFile = deps.readFile ?? ((path: string) => Deno.readTextFileSync(path));
    let privateKey = gh.appPrivateKey;
    if (!privateKey && gh.appPrivateKeyFile) {
      try {
        privateKey = readFile(gh.appPrivateKeyFile);
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
        "LOOM_GITHUB_APP_ID is set but neither LOOM_GITHUB_APP_PRIVATE_KEY nor LOOM_GITHUB_APP_PRIVATE_KEY_FILE",
      );
    }
    if (!gh.token && !gh.appId) {
      throw new Error(
        "LOOM_GITHUB_WEBHOOK_SECRET is set but Loom cannot call GitHub: set LOOM_GITHUB_TOKEN, or LOOM_GITHUB_APP_ID with its private key",
      );
    }
    adapters.github = createGithubAdapter({
      apiUrl: gh.apiUrl,
      webhookSecret: gh.webhookSecret,
      token: gh.appId ? undefined : gh.token,
      app: gh.appId && privateKey ? { appId: gh.appId, privateKey } : undefined,
      fetch: deps.fetch,
    });
  }
  return { adapters, disabled };
}
