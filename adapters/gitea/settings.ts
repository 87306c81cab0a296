/**
 * Gitea's and Forgejo's settings and the adapter they build.
 * @module
 */
import { httpUrl, secretText, type SettingRows, text } from "../../src/settings/mod.ts";
import type { GitAdapter, PlatformDeps, PlatformModule } from "../../src/platform/mod.ts";
import { adapterDeps, requireSettings } from "../_shared/mod.ts";
import { createGiteaAdapter } from "./adapter.ts";

/** Gitea's or Forgejo's settings once loaded; webhooks are disabled without the secret. */
export interface GiteaSettings {
  url?: string;
  token?: string;
  webhookSecret?: string;
}

const ROWS: SettingRows<GiteaSettings> = {
  url: {
    env: "LOOM_GITEA_URL",
    yaml: "gitea.url",
    default: undefined,
    about: "Gitea or Forgejo instance URL, e.g. `https://git.example.com`.",
    check: httpUrl,
  },
  token: {
    env: "LOOM_GITEA_TOKEN",
    yaml: "gitea.token",
    default: undefined,
    about: "Gitea or Forgejo access token Loom acts with (repository: read and write).",
    check: text,
    secret: true,
  },
  webhookSecret: {
    env: "LOOM_GITEA_WEBHOOK_SECRET",
    yaml: "gitea.webhook_secret",
    default: undefined,
    about: "Secret of the Gitea or Forgejo webhook (HMAC-SHA256); their webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from Gitea or Forgejo"),
    secret: true,
  },
};

/**
 * The adapter, or why Gitea and Forgejo are disabled (no webhook secret). Throws when half
 * configured (a secret but no instance URL or token), which `loom serve` reports as a start-up
 * failure; the message names the missing variables and never a value.
 */
export function giteaFromSettings(gitea: GiteaSettings, deps: PlatformDeps): GitAdapter | string {
  if (!gitea.webhookSecret) return "set LOOM_GITEA_WEBHOOK_SECRET to enable it";
  const { url, token } = requireSettings(
    "LOOM_GITEA_WEBHOOK_SECRET is set but Loom cannot call Gitea or Forgejo",
    {
      url: [gitea.url, "LOOM_GITEA_URL (the instance, e.g. https://git.example.com)"],
      token: [gitea.token, "LOOM_GITEA_TOKEN (an access token Loom posts with)"],
    },
  );
  return createGiteaAdapter({
    url,
    token,
    webhookSecret: gitea.webhookSecret,
    ...adapterDeps(deps),
  });
}

/** Gitea and Forgejo: webhooks at `/webhooks/gitea`, settings under `gitea` (`LOOM_GITEA_*`). */
export const giteaPlatform: PlatformModule<GiteaSettings> = {
  id: "gitea",
  settings: { key: "gitea", rows: ROWS },
  build: giteaFromSettings,
};
