/**
 * The Bitbucket Cloud adapter as the server's settings configure it.
 * @module
 */
import type { Settings } from "../../src/settings.ts";
import { createBitbucketAdapter } from "./adapter.ts";
import type { PlatformDeps } from "../_shared/platform_deps.ts";
import type { GitAdapter } from "../../src/platform/mod.ts";

/**
 * The adapter, or why Bitbucket is disabled. Throws when it is half configured (a secret but no
 * way to call the API, an email without its API token or the reverse, or two kinds of
 * credentials at once), which `loom serve` reports as a start-up failure.
 */
export function bitbucketFromSettings(settings: Settings, deps: PlatformDeps): GitAdapter | string {
  const bb = settings.bitbucket;
  if (!bb.webhookSecret) return "set LOOM_BITBUCKET_WEBHOOK_SECRET to enable it";
  if (Boolean(bb.email) !== Boolean(bb.apiToken)) {
    throw new Error(
      bb.email
        ? "LOOM_BITBUCKET_EMAIL is set but LOOM_BITBUCKET_API_TOKEN is not: a user API token " +
          "needs both"
        : "LOOM_BITBUCKET_API_TOKEN is set but LOOM_BITBUCKET_EMAIL is not: a user API token is " +
          "sent with its Atlassian account email",
    );
  }
  if (bb.token && bb.apiToken) {
    throw new Error(
      "both LOOM_BITBUCKET_TOKEN and LOOM_BITBUCKET_API_TOKEN are set: keep the access token, " +
        "or the email with the API token, not both",
    );
  }
  if (!bb.token && !bb.apiToken) {
    throw new Error(
      "LOOM_BITBUCKET_WEBHOOK_SECRET is set but Loom cannot call Bitbucket: set " +
        "LOOM_BITBUCKET_TOKEN (an access token), or LOOM_BITBUCKET_EMAIL with " +
        "LOOM_BITBUCKET_API_TOKEN (a user API token; app passwords are not supported)",
    );
  }
  return createBitbucketAdapter({
    apiUrl: bb.apiUrl,
    webhookSecret: bb.webhookSecret,
    token: bb.token,
    user: bb.email && bb.apiToken ? { email: bb.email, apiToken: bb.apiToken } : undefined,
    fetch: deps.fetch,
  });
}
