/**
 * GitLab's settings (gitlab.com or self-managed) and the adapter they build.
 * @module
 */
import { httpUrl, secretText, type SettingRows, text } from "../../src/settings/mod.ts";
import type { GitAdapter, PlatformDeps, PlatformModule } from "../../src/platform/mod.ts";
import { adapterDeps, requireSettings } from "../_shared/mod.ts";
import { createGitlabAdapter } from "./adapter.ts";

/** GitLab's settings once loaded; webhooks are disabled without the secret. */
export interface GitlabSettings {
  url: string;
  token?: string;
  webhookSecret?: string;
}

const ROWS: SettingRows<GitlabSettings> = {
  url: {
    env: "LOOM_GITLAB_URL",
    yaml: "gitlab.url",
    default: "https://gitlab.com",
    about: "GitLab instance URL (self-managed instances too).",
    check: httpUrl,
  },
  token: {
    env: "LOOM_GITLAB_TOKEN",
    yaml: "gitlab.token",
    default: undefined,
    about: "GitLab token Loom acts with (scope `api`).",
    check: text,
    secret: true,
  },
  webhookSecret: {
    env: "LOOM_GITLAB_WEBHOOK_SECRET",
    yaml: "gitlab.webhook_secret",
    default: undefined,
    about: "Secret token of the GitLab webhook (X-Gitlab-Token); GitLab webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from GitLab"),
    secret: true,
  },
};

/**
 * The adapter, or why GitLab is disabled. Throws when it is half configured (a webhook secret but
 * no token to call the API with), which `loom serve` reports as a start-up failure.
 * `LOOM_GITLAB_URL` is the instance's URL; one given with the `/api/v4` suffix is taken too.
 */
export function gitlabFromSettings(gl: GitlabSettings, deps: PlatformDeps): GitAdapter | string {
  if (!gl.webhookSecret) return "set LOOM_GITLAB_WEBHOOK_SECRET to enable it";
  const { token } = requireSettings(
    "LOOM_GITLAB_WEBHOOK_SECRET is set but Loom cannot call GitLab",
    {
      token: [gl.token, "LOOM_GITLAB_TOKEN (a token with the api scope)"],
    },
  );
  return createGitlabAdapter({
    url: gl.url.replace(/\/+$/, "").replace(/\/api\/v4$/, ""),
    webhookSecret: gl.webhookSecret,
    token,
    ...adapterDeps(deps),
  });
}

/** GitLab: webhooks at `/webhooks/gitlab`, settings under `gitlab` (`LOOM_GITLAB_*`). */
export const gitlabPlatform: PlatformModule<GitlabSettings> = {
  id: "gitlab",
  settings: { key: "gitlab", rows: ROWS },
  build: gitlabFromSettings,
};
