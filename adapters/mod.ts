/**
 * The platforms Loom talks to: the one list, and the adapters the server's settings build from
 * it. A platform is enabled only when its webhook secret is set: verification fails closed.
 * @module
 */
import { azureDevopsPlatform } from "./azure_devops/mod.ts";
import { bitbucketPlatform } from "./bitbucket/mod.ts";
import { giteaPlatform } from "./gitea/mod.ts";
import { githubPlatform } from "./github/mod.ts";
import { gitlabPlatform } from "./gitlab/mod.ts";
import type { GitAdapter, PlatformDeps, PlatformModule } from "../src/platform/mod.ts";
import { groupSettings, type SettingGroup, type Settings } from "../src/settings/mod.ts";

/**
 * Every platform Loom knows, in the order the README's settings table and the 404 for an unknown
 * platform list them. Adding a platform is its folder plus one line here.
 */
export const PLATFORMS: readonly PlatformModule[] = [
  githubPlatform,
  gitlabPlatform,
  giteaPlatform,
  bitbucketPlatform,
  azureDevopsPlatform,
];

/** Each platform's setting rows, for the settings loader and table, which cannot import them. */
export const PLATFORM_SETTINGS: readonly SettingGroup[] = PLATFORMS.map((p) => p.settings);

/** Enabled adapters, and why each other platform is disabled. */
export interface Platforms {
  adapters: Record<string, GitAdapter>;
  disabled: Record<string, string>;
}

/**
 * Builds the adapters `settings` (loaded with {@link PLATFORM_SETTINGS}) enable. Throws with a
 * clear message when a platform is half configured (a secret but no way to call its API).
 */
export function platformsFromSettings(
  settings: Settings,
  deps: Partial<PlatformDeps> = {},
): Platforms {
  const full: PlatformDeps = {
    fetch: deps.fetch,
    readFile: deps.readFile ?? ((path) => Deno.readTextFileSync(path)),
    maxDiffBytes: deps.maxDiffBytes ?? settings.maxDiffBytes,
  };
  const platforms: Platforms = { adapters: {}, disabled: {} };
  for (const platform of PLATFORMS) {
    const built = platform.build(groupSettings(settings, platform.settings), full);
    if (typeof built === "string") platforms.disabled[platform.id] = built;
    else platforms.adapters[platform.id] = built;
  }
  return platforms;
}
