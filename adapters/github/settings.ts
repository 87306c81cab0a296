/**
 * GitHub's settings (github.com or Enterprise Server) and the adapter they build.
 * @module
 */
import { httpUrl, secretText, type SettingRows, text } from "../../src/settings/mod.ts";
import type { GitAdapter, PlatformDeps, PlatformModule } from "../../src/platform/mod.ts";
import { adapterDeps, requireSettings } from "../_shared/mod.ts";
import { createGithubAdapter } from "./adapter.ts";

/** GitHub's settings once loaded; webhooks are disabled without the secret. */
export interface GithubSettings {
  /** REST API root: `https://api.github.com`, or `https://HOST/api/v3` for GHES. */
  apiUrl: string;
  webhookSecret?: string;
  /** A token (PAT or fine-grained); alternatively a GitHub App below. */
  token?: string;
  appId?: string;
  /** The App's private key (PEM) itself… */
  appPrivateKey?: string;
  /** …or a file holding it. */
  appPrivateKeyFile?: string;
}

const ROWS: SettingRows<GithubSettings> = {
  apiUrl: {
    env: "LOOM_GITHUB_API_URL",
    yaml: "github.api_url",
    default: "https://api.github.com",
    about: "GitHub REST API root; for GitHub Enterprise Server, `https://HOST/api/v3`.",
    check: httpUrl,
  },
  webhookSecret: {
    env: "LOOM_GITHUB_WEBHOOK_SECRET",
    yaml: "github.webhook_secret",
    default: undefined,
    about: "Secret of the GitHub webhook (X-Hub-Signature-256); GitHub webhooks are disabled " +
      "without it.",
    check: secretText(8, "it is what proves a delivery came from GitHub"),
    secret: true,
  },
  token: {
    env: "LOOM_GITHUB_TOKEN",
    yaml: "github.token",
    default: undefined,
    about: "GitHub token Loom acts with (needs pull requests: write, contents: read, " +
      "commit statuses: write). Alternatively a GitHub App.",
    check: text,
    secret: true,
  },
  appId: {
    env: "LOOM_GITHUB_APP_ID",
    yaml: "github.app_id",
    default: undefined,
    about: "GitHub App id; with a private key, Loom acts as the App's installation.",
    check: text,
  },
  appPrivateKey: {
    env: "LOOM_GITHUB_APP_PRIVATE_KEY",
    yaml: "github.app_private_key",
    default: undefined,
    about: "The GitHub App's private key (PEM).",
    check: text,
    secret: true,
  },
  appPrivateKeyFile: {
    env: "LOOM_GITHUB_APP_PRIVATE_KEY_FILE",
    yaml: "github.app_private_key_file",
    default: undefined,
    about: "A file holding the GitHub App's private key (PEM).",
    check: text,
  },
};

/**
 * The adapter, or why GitHub is disabled. Throws when it is half configured (a secret but no way
 * to call the API), which `loom serve` reports as a start-up failure.
 */
export function githubFromSettings(gh: GithubSettings, deps: PlatformDeps): GitAdapter | string {
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
  requireSettings("LOOM_GITHUB_WEBHOOK_SECRET is set but Loom cannot call GitHub", {
    credentials: [
      gh.token || gh.appId,
      "LOOM_GITHUB_TOKEN, or LOOM_GITHUB_APP_ID with its private key",
    ],
  });
  return createGithubAdapter({
    apiUrl: gh.apiUrl,
    webhookSecret: gh.webhookSecret,
    token: gh.appId ? undefined : gh.token,
    app: gh.appId && privateKey ? { appId: gh.appId, privateKey } : undefined,
    ...adapterDeps(deps),
  });
}

/** GitHub: webhooks at `/webhooks/github`, settings under `github` (`LOOM_GITHUB_*`). */
export const githubPlatform: PlatformModule<GithubSettings> = {
  id: "github",
  settings: { key: "github", rows: ROWS },
  build: githubFromSettings,
};
