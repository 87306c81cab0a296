/**
 * What the server lets a repository's config reach. The config is written by whoever can push
 * to the repository's default branch — on a shared server, people the operator need not trust —
 * so without these checks it could hand one of the server's keys to a host of its choosing
 * (`base_url`), read any of the server's environment variables (`api_key_env`), or make the
 * server call hosts inside its own network.
 *
 * Each key is bound to where it may go: `LOOM_LLM_API_KEY` only to `LOOM_LLM_BASE_URL`, any
 * other key variable only to the base URLs `LOOM_LLM_KEYS` gives it. A key-less model may call
 * `LOOM_LLM_BASE_URL` or what `LOOM_LLM_ALLOWED_BASE_URLS` lists, nothing else.
 * @module
 */

import { redactUrls } from "../secrets/mod.ts";
import { isBaseUrlAllowed, isInternalHost } from "./endpoint_url.ts";

/** Limits set by the server operator on what a repository config may use. */
export interface ConfigPolicy {
  /**
   * Key variable → the base URLs it may be sent to (`LOOM_LLM_KEYS`); a variable not here,
   * other than {@link SERVER_KEY_ENV}, may not be named.
   */
  keys?: Record<string, string[]>;
  /**
   * Deprecated (`LOOM_LLM_ALLOWED_KEY_ENVS`): key variables a config may name, each sent to any
   * of `allowedBaseUrls` or, while that is unset, to `serverBaseUrl` only. Kept so that an
   * existing server keeps working; {@link policyWarnings} says how to move to `keys`.
   */
  allowedKeyEnvs: string[];
  /** URL prefixes a key-less model may call besides `serverBaseUrl` (`LOOM_LLM_ALLOWED_BASE_URLS`). */
  allowedBaseUrls?: string[];
  /**
   * The server's own endpoint (`LOOM_LLM_BASE_URL`, by default OpenAI's): the only place
   * {@link SERVER_KEY_ENV} may go, and always callable without a key.
   */
  serverBaseUrl?: string;
}

/** `LOOM_LLM_BASE_URL`'s default, as in the server settings. */
const DEFAULT_SERVER_BASE_URL = "https://api.openai.com/v1";

/** The server's own key variable, which a config may always name, for the server's endpoint. */
export const SERVER_KEY_ENV = "LOOM_LLM_API_KEY";

/** A policy violation at a path of the parsed config, for `parse.ts` to place in the file. */
export interface PolicyIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Builds the policy from the server's environment: `LOOM_LLM_KEYS` as comma-separated
 * `VARIABLE=BASE_URL` entries (a variable may appear more than once), the other lists
 * comma-separated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configPolicyFromEnv } from "./policy.ts";
 *
 * const env = {
 *   LOOM_LLM_KEYS: "OPENAI_API_KEY=https://api.openai.com/v1, GROQ_API_KEY=https://api.groq.com/openai/v1",
 * };
 * assert.deepEqual(configPolicyFromEnv(env), {
 *   keys: {
 *     OPENAI_API_KEY: ["https://api.openai.com/v1"],
 *     GROQ_API_KEY: ["https://api.groq.com/openai/v1"],
 *   },
 *   allowedKeyEnvs: [],
 *   allowedBaseUrls: undefined,
 *   serverBaseUrl: "https://api.openai.com/v1",
 * });
 * ```
 */
export function configPolicyFromEnv(env: Record<string, string | undefined>): ConfigPolicy {
  const baseUrls = splitList(env.LOOM_LLM_ALLOWED_BASE_URLS);
  return {
    keys: keyBindings(splitList(env.LOOM_LLM_KEYS)),
    allowedKeyEnvs: splitList(env.LOOM_LLM_ALLOWED_KEY_ENVS),
    allowedBaseUrls: baseUrls.length > 0 ? baseUrls : undefined,
    serverBaseUrl: env.LOOM_LLM_BASE_URL?.trim() || DEFAULT_SERVER_BASE_URL,
  };
}

/**
 * `VARIABLE=BASE_URL` entries (the `LOOM_LLM_KEYS` setting) as a map; entries without `=` are
 * skipped (the settings check refuses them).
 */
export function keyBindings(entries: readonly string[]): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const name = entry.slice(0, eq).trim();
    (keys[name] ??= []).push(entry.slice(eq + 1).trim());
  }
  return keys;
}

/**
 * What the operator should hear at start about the policy: the deprecated
 * `LOOM_LLM_ALLOWED_KEY_ENVS`, with the `LOOM_LLM_KEYS` value that keeps today's behaviour.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { policyWarnings } from "./policy.ts";
 *
 * const [warning] = policyWarnings({
 *   allowedKeyEnvs: ["GROQ_API_KEY"],
 *   allowedBaseUrls: ["https://api.groq.com/openai/v1"],
 * });
 * assert.match(warning, /LOOM_LLM_KEYS=GROQ_API_KEY=https:\/\/api\.groq\.com\/openai\/v1/);
 * ```
 */
export function policyWarnings(policy: ConfigPolicy): string[] {
  if (policy.allowedKeyEnvs.length === 0) return [];
  const urls = policy.allowedBaseUrls ?? [policy.serverBaseUrl ?? DEFAULT_SERVER_BASE_URL];
  const equivalent = policy.allowedKeyEnvs.flatMap((k) => urls.map((u) => `${k}=${u}`));
  return [
    "LOOM_LLM_ALLOWED_KEY_ENVS is deprecated: it lets every listed key go to every URL of " +
    "LOOM_LLM_ALLOWED_BASE_URLS. Bind each key to its endpoints with LOOM_LLM_KEYS instead; " +
    `today's behaviour is LOOM_LLM_KEYS=${redactUrls(equivalent.join(","))}`,
  ];
}

/**
 * Checks `base_url` and `api_key_env` of every model against the policy. Reads the config
 * defensively so it can run on data that failed the schema, and every problem is reported in
 * one pass. Messages name the setting that would allow the value, never any variable's value.
 */
export function policyIssues(config: unknown, policy: ConfigPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const models = asRecord(asRecord(config)?.models);
  if (!models) return issues;
  const server = policy.serverBaseUrl ?? DEFAULT_SERVER_BASE_URL;
  const keys = policy.keys ?? {};
  for (const [name, value] of Object.entries(models)) {
    const model = asRecord(value);
    if (!model) continue;
    const keyEnv = typeof model.api_key_env === "string" ? model.api_key_env : undefined;
    // A base_url that is no http(s) URL is the schema's to report.
    const baseUrl = typeof model.base_url === "string" && isHttpUrl(model.base_url)
      ? model.base_url
      : undefined;
    const at = (field: string, message: string) =>
      issues.push({ path: ["models", name, field], message });

    if (keyEnv === undefined) {
      const allowed = [server, ...(policy.allowedBaseUrls ?? [])];
      if (baseUrl !== undefined && !isBaseUrlAllowed(baseUrl, allowed)) {
        at("base_url", notListed(baseUrl, policy.allowedBaseUrls ?? []));
      }
    } else if (keyEnv === SERVER_KEY_ENV) {
      if (baseUrl !== undefined && !isBaseUrlAllowed(baseUrl, [server])) {
        at(
          "base_url",
          `${
            shown(baseUrl)
          } may not receive a key (${SERVER_KEY_ENV}): the server's key only goes to ` +
            `the server's endpoint ${shown(server)} (LOOM_LLM_BASE_URL); to call another ` +
            "endpoint with a key, the operator binds a key variable to it in LOOM_LLM_KEYS " +
            "(VARIABLE=BASE_URL), or drop api_key_env for a key-less endpoint listed in " +
            "LOOM_LLM_ALLOWED_BASE_URLS",
        );
      }
    } else if (keys[keyEnv]) {
      if (baseUrl !== undefined && !isBaseUrlAllowed(baseUrl, keys[keyEnv])) {
        at(
          "base_url",
          `${shown(baseUrl)} may not receive ${keyEnv}: LOOM_LLM_KEYS binds it to ` +
            `${keys[keyEnv].map(shown).join(", ")}${internalNote(baseUrl)}; to allow it, add ` +
            `${keyEnv}=<this base URL> to LOOM_LLM_KEYS on the Loom server`,
        );
      }
    } else if (policy.allowedKeyEnvs.includes(keyEnv)) {
      // Deprecated LOOM_LLM_ALLOWED_KEY_ENVS: the old rule, with the stricter URL comparison.
      const allowed = policy.allowedBaseUrls;
      if (baseUrl !== undefined && allowed && !isBaseUrlAllowed(baseUrl, allowed)) {
        at("base_url", notListed(baseUrl, allowed));
      } else if (baseUrl !== undefined && !allowed && !isBaseUrlAllowed(baseUrl, [server])) {
        at(
          "base_url",
          `${shown(baseUrl)} may not receive a key: a model with api_key_env may only call ` +
            `the endpoints LOOM_LLM_KEYS binds its key to, here the server's endpoint ` +
            `${shown(server)} (LOOM_LLM_BASE_URL); to allow it, add ${keyEnv}=<this base URL> ` +
            "to LOOM_LLM_KEYS on the Loom server, or drop api_key_env for a key-less endpoint",
        );
      }
    } else {
      const named = [...Object.keys(keys), ...policy.allowedKeyEnvs];
      at(
        "api_key_env",
        `${keyEnv} is not an allowed key variable: a repository config may name ` +
          `${SERVER_KEY_ENV} or a variable bound in LOOM_LLM_KEYS (${describeList(named)}); ` +
          `to allow it, add ${keyEnv}=<its base URL> to LOOM_LLM_KEYS on the Loom server`,
      );
      // Nor may the endpoint be reached without the key, unless it is listed.
      const allowed = [server, ...(policy.allowedBaseUrls ?? [])];
      if (baseUrl !== undefined && !isBaseUrlAllowed(baseUrl, allowed)) {
        at("base_url", notListed(baseUrl, policy.allowedBaseUrls ?? []));
      }
    }
  }
  return issues;
}

function notListed(baseUrl: string, allowedUrls: readonly string[]): string {
  return `${shown(baseUrl)} is not an allowed endpoint: base_url must equal or start with a ` +
    `URL listed in LOOM_LLM_ALLOWED_BASE_URLS (${describeList(allowedUrls.map(shown))}); ` +
    "to allow it, add it to LOOM_LLM_ALLOWED_BASE_URLS on the Loom server";
}

function internalNote(baseUrl: string): string {
  return isInternalHost(baseUrl)
    ? "; a loopback, link-local or private address is reached only when listed with its host"
    : "";
}

// An operator may have put credentials into an allowed URL, and a config author into theirs;
// error messages reach repository authors, so neither is echoed.
function shown(url: string): string {
  if (!URL.canParse(url)) return redactUrls(url);
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return redactUrls(parsed.href);
}

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}

function splitList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function describeList(items: readonly string[]): string {
  return items.length === 0 ? "currently none" : `currently ${items.join(", ")}`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}
