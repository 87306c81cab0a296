/**
 * What the Settings and Config check pages show of the server: each platform enabled or not
 * and why, each model endpoint a "test connection" may call, and the key and URL policy that
 * repository configs are validated against. Built once at start-up from the server's settings
 * (`src/server.ts`) and handed to the dashboard; secrets stay inside (`apiKey`) and are never
 * rendered.
 * @module
 */
import type { ConfigPolicy } from "../repo_config/mod.ts";
import { displayUrl } from "../secrets/mod.ts";
import type { Settings } from "../settings/mod.ts";

/** One platform adapter and whether it runs. */
export interface PlatformView {
  id: string;
  enabled: boolean;
  /** Why it is disabled (which setting is missing), from the adapter's own check. */
  reason: string | null;
}

/** A model endpoint the server may call, as the Settings page tests it. */
export interface EndpointView {
  /** A name for the page: `LOOM_LLM_BASE_URL`, or the key variable of a `LOOM_LLM_KEYS` entry. */
  name: string;
  /** The base URL as it may be shown (no user info or query). */
  shownUrl: string;
  baseUrl: string;
  /** The model a test asks: the server's default model. */
  model: string;
  /** Never rendered; sent with the test request only. */
  apiKey?: string;
  /** Where the key comes from, for the page: a variable name, or null when none is set. */
  keyFrom: string | null;
}

/** The server as the dashboard sees it. */
export interface ServerView {
  platforms: PlatformView[];
  endpoints: EndpointView[];
  /** What `loom config validate` and the review flow check a repository's config against. */
  policy: ConfigPolicy;
  /** Largest model answer read (`LOOM_LLM_MAX_RESPONSE_BYTES`). */
  maxResponseBytes: number;
}

/**
 * Builds the {@link ServerView} from the settings, the platform ids with the reasons of those
 * disabled (`platformsFromSettings(...).disabled`), the environment (the keys that
 * `LOOM_LLM_KEYS` names) and the config policy the review flow uses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serverView } from "./server_view.ts";
 * import { settingsOf } from "../../tests/support/settings.ts";
 *
 * const settings = settingsOf({
 *   env: { LOOM_LLM_KEYS: "GROQ_KEY=https://api.groq.com/openai/v1" },
 * });
 * const view = serverView({
 *   settings,
 *   platforms: { ids: ["github", "gitlab"], disabled: { gitlab: "LOOM_GITLAB_TOKEN is not set" } },
 *   env: { GROQ_KEY: "gsk-secret" },
 *   policy: { allowedKeyEnvs: [] },
 * });
 * assert.deepEqual(view.platforms.map((p) => p.enabled), [true, false]);
 * assert.deepEqual(view.endpoints.map((e) => e.name), ["LOOM_LLM_BASE_URL", "GROQ_KEY"]);
 * ```
 */
export function serverView({ settings, platforms, env, policy }: {
  settings: Settings;
  platforms: { ids: readonly string[]; disabled: Record<string, string> };
  env: Record<string, string | undefined>;
  policy: ConfigPolicy;
}): ServerView {
  const { llm } = settings;
  const endpoints: EndpointView[] = [{
    name: "LOOM_LLM_BASE_URL",
    shownUrl: displayUrl(llm.baseUrl),
    baseUrl: llm.baseUrl,
    model: llm.model,
    apiKey: llm.apiKey,
    keyFrom: llm.apiKey ? "LOOM_LLM_API_KEY" : null,
  }];
  for (const entry of llm.keys) {
    const at = entry.indexOf("=");
    if (at < 1) continue;
    const variable = entry.slice(0, at).trim();
    const baseUrl = entry.slice(at + 1).trim();
    endpoints.push({
      name: variable,
      shownUrl: displayUrl(baseUrl),
      baseUrl,
      model: llm.model,
      apiKey: env[variable] || undefined,
      keyFrom: env[variable] ? variable : null,
    });
  }
  return {
    platforms: platforms.ids.map((id) => ({
      id,
      enabled: !(id in platforms.disabled),
      reason: platforms.disabled[id] ?? null,
    })),
    endpoints,
    policy,
    maxResponseBytes: llm.maxResponseBytes,
  };
}
