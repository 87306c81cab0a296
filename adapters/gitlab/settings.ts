/**
 * The GitLab adapter as the server's settings configure it.
 * @module
 */
import type { Settings } from "../../src/settings.ts";
import { createGitlabAdapter } from "./adapter.ts";
import type { PlatformDeps } from "../_shared/platform_deps.ts";
import type { GitAdapter } from "../../src/platform/mod.ts";

/**
 * The adapter, or why GitLab is disabled. Throws when it is half configured (a webhook secret but
 * no token to call the API with), which `loom serve` reports as a start-up failure.
 * `LOOM_GITLAB_URL` is the instance's URL; one given with the `/api/v4` suffix is taken too.
 */
export function gitlabFromSettings(settings: Settings, deps: PlatformDeps): GitAdapter | string {
  const gl = settings.gitlab;
  if (!gl.webhookSecret) return "set LOOM_GITLAB_WEBHOOK_SECRET to enable it";
  if (!gl.token) {
    throw new Error(
      "LOOM_GITLAB_WEBHOOK_SECRET is set but Loom cannot call GitLab: set LOOM_GITLAB_TOKEN " +
        "(a token with the api scope)",
    );
  }
  return createGitlabAdapter({
    url: gl.url.replace(/\/+$/, "").replace(/\/api\/v4$/, ""),
    webhookSecret: gl.webhookSecret,
    token: gl.token,
    fetch: deps.fetch,
  });
}
