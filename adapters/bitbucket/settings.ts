/**
 * Bitbucket Cloud's settings and the adapter they build.
 * @module
 */
import { httpUrl, secretText, type SettingRows, text } from "../../src/settings/mod.ts";
import type { GitAdapter, PlatformDeps, PlatformModule } from "../../src/platform/mod.ts";
import { adapterDeps, requireSettings } from "../_shared/mod.ts";
import { createBitbucketAdapter } from "./adapter.ts";

/** Bitbucket Cloud's settings once loaded; webhooks are disabled without the secret. */
export interface BitbucketSettings {
  apiUrl: string;
  /** A repository, project or workspace access token (Bearer)… */
  token?: string;
  /** …or a user's Atlassian account email with an API token (Basic). */
  email?: string;
  apiToken?: string;
  webhookSecret?: string;
}

const ROWS: SettingRows<BitbucketSettings> = {
  apiUrl: {
    env: "LOOM_BITBUCKET_API_URL",
    yaml: "bitbucket.api_url",
    default: "https://api.bitbucket.org/2.0",
    about: "Bitbucket Cloud REST API root.",
    check: httpUrl,
  },
  token: {
    env: "LOOM_BITBUCKET_TOKEN",
    yaml: "bitbucket.token",
    default: undefined,
    about: "A Bitbucket repository, project or workspace access token (sent as Bearer).",
    check: text,
    secret: true,
  },
  email: {
    env: "LOOM_BITBUCKET_EMAIL",
    yaml: "bitbucket.email",
    default: undefined,
    about: "Atlassian account email for a user API token (instead of an access token).",
    check: text,
  },
  apiToken: {
    env: "LOOM_BITBUCKET_API_TOKEN",
    yaml: "bitbucket.api_token",
    default: undefined,
    about: "A user API token, with LOOM_BITBUCKET_EMAIL (Basic auth). App passwords are not " +
      "supported.",
    check: text,
    secret: true,
  },
  webhookSecret: {
    env: "LOOM_BITBUCKET_WEBHOOK_SECRET",
    yaml: "bitbucket.webhook_secret",
    default: undefined,
    about: "Secret of the Bitbucket webhook (X-Hub-Signature); Bitbucket webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from Bitbucket"),
    secret: true,
  },
};

/**
 * The adapter, or why Bitbucket is disabled. Throws when it is half configured (a secret but no
 * way to call the API, an email without its API token or the reverse, or two kinds of
 * credentials at once), which `loom serve` reports as a start-up failure.
 */
export function bitbucketFromSettings(
  bb: BitbucketSettings,
  deps: PlatformDeps,
): GitAdapter | string {
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
  requireSettings("LOOM_BITBUCKET_WEBHOOK_SECRET is set but Loom cannot call Bitbucket", {
    credentials: [
      bb.token || bb.apiToken,
      "LOOM_BITBUCKET_TOKEN (an access token), or LOOM_BITBUCKET_EMAIL with " +
      "LOOM_BITBUCKET_API_TOKEN (a user API token; app passwords are not supported)",
    ],
  });
  return createBitbucketAdapter({
    apiUrl: bb.apiUrl,
    webhookSecret: bb.webhookSecret,
    token: bb.token,
    user: bb.email && bb.apiToken ? { email: bb.email, apiToken: bb.apiToken } : undefined,
    ...adapterDeps(deps),
  });
}

/** Bitbucket Cloud: webhooks at `/webhooks/bitbucket`, settings under `bitbucket`. */
export const bitbucketPlatform: PlatformModule<BitbucketSettings> = {
  id: "bitbucket",
  settings: { key: "bitbucket", rows: ROWS },
  build: bitbucketFromSettings,
};
