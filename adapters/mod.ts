/**
 * The platforms Loom talks to, built from the server's settings. A platform is enabled only when
 * its webhook secret is set: verification fails closed.
 * @module
 */
import type { Settings } from "../src/settings.ts";
import { azureDevopsFromSettings } from "./azure_devops/settings.ts";
import { bitbucketFromSettings } from "./bitbucket/settings.ts";
import { giteaFromSettings } from "./gitea/settings.ts";
import { githubFromSettings } from "./github/settings.ts";
import { gitlabFromSettings } from "./gitlab/settings.ts";
import type { PlatformDeps } from "./_shared/platform_deps.ts";
import type { GitAdapter } from "../src/platform/mod.ts";

export type * from "../src/platform/mod.ts";
export { PlatformError, WebhookPayloadError } from "../src/platform/mod.ts";

/** Enabled adapters, and why each other platform is disabled. */
export interface Platforms {
  adapters: Record<string, GitAdapter>;
  disabled: Record<string, string>;
}

/** Each platform's builder: its adapter, or the reason it is disabled. One line per platform. */
const BUILDERS: Record<string, (settings: Settings, deps: PlatformDeps) => GitAdapter | string> = {
  github: githubFromSettings,
  gitlab: gitlabFromSettings,
  gitea: giteaFromSettings,
  bitbucket: bitbucketFromSettings,
  "azure-devops": azureDevopsFromSettings,
};

/**
 * Builds the adapters `settings` enable. Throws with a clear message when a platform is half
 * configured (a secret but no way to call its API).
 */
export function platformsFromSettings(
  settings: Settings,
  deps: Partial<PlatformDeps> = {},
): Platforms {
  const full: PlatformDeps = {
    fetch: deps.fetch,
    readFile: deps.readFile ?? ((path) => Deno.readTextFileSync(path)),
  };
  const platforms: Platforms = { adapters: {}, disabled: {} };
  for (const [platform, build] of Object.entries(BUILDERS)) {
    const built = build(settings, full);
    if (typeof built === "string") platforms.disabled[platform] = built;
    else platforms.adapters[platform] = built;
  }
  return platforms;
}
