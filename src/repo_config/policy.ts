/**
 * What the server lets a repository's config reach. The config is written by whoever can push
 * to the repository, so without these checks it could hand the server's API key to a host of
 * its choosing (`base_url`) or read any of the server's environment variables (`api_key_env`).
 * @module
 */

/** Limits set by the server operator on what a repository config may use. */
export interface ConfigPolicy {
  /** Key variables a config may name besides {@link SERVER_KEY_ENV} (`LOOM_LLM_ALLOWED_KEY_ENVS`). */
  allowedKeyEnvs: string[];
  /**
   * URL prefixes `base_url` must fall under (`LOOM_LLM_ALLOWED_BASE_URLS`); undefined allows
   * any host.
   */
  allowedBaseUrls?: string[];
  /**
   * The server's own endpoint (`LOOM_LLM_BASE_URL`). While `allowedBaseUrls` is unset, a model
   * that names a key variable may only call under this URL: otherwise a repository could send
   * the server's key to a host of its choosing. Key-less models may call anywhere.
   */
  serverBaseUrl?: string;
}

/** `LOOM_LLM_BASE_URL`'s default, as in the server settings. */
const DEFAULT_SERVER_BASE_URL = "https://api.openai.com/v1";

/** The server's own key variable, which a config may always name. */
export const SERVER_KEY_ENV = "LOOM_LLM_API_KEY";

/** A policy violation at a path of the parsed config, for `parse.ts` to place in the file. */
export interface PolicyIssue {
  path: (string | number)[];
  message: string;
}

/**
 * Builds the policy from the server's environment: both lists are comma-separated. With
 * `LOOM_LLM_ALLOWED_BASE_URLS` unset or blank, key-less models may call any host and models
 * that use a key only `LOOM_LLM_BASE_URL`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configPolicyFromEnv } from "./policy.ts";
 *
 * const env = { LOOM_LLM_ALLOWED_KEY_ENVS: "OPENAI_API_KEY, GROQ_API_KEY" };
 * assert.deepEqual(configPolicyFromEnv(env), {
 *   allowedKeyEnvs: ["OPENAI_API_KEY", "GROQ_API_KEY"],
 *   allowedBaseUrls: undefined,
 *   serverBaseUrl: "https://api.openai.com/v1",
 * });
 * ```
 */
export function configPolicyFromEnv(env: Record<string, string | undefined>): ConfigPolicy {
  const baseUrls = splitList(env.LOOM_LLM_ALLOWED_BASE_URLS);
  return {
    allowedKeyEnvs: splitList(env.LOOM_LLM_ALLOWED_KEY_ENVS),
    allowedBaseUrls: baseUrls.length > 0 ? baseUrls : undefined,
    serverBaseUrl: env.LOOM_LLM_BASE_URL?.trim() || DEFAULT_SERVER_BASE_URL,
  };
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
  const allowedKeys = [SERVER_KEY_ENV, ...policy.allowedKeyEnvs];
  for (const [name, value] of Object.entries(models)) {
    const model = asRecord(value);
    if (!model) continue;
    const keyEnv = model.api_key_env;
    if (typeof keyEnv === "string" && !allowedKeys.includes(keyEnv)) {
      issues.push({
        path: ["models", name, "api_key_env"],
        message: `${keyEnv} is not an allowed key variable: a repository config may name ` +
          `${SERVER_KEY_ENV} or a variable listed in LOOM_LLM_ALLOWED_KEY_ENVS (${
            describeList(policy.allowedKeyEnvs)
          }); to allow it, add ${keyEnv} to LOOM_LLM_ALLOWED_KEY_ENVS on the Loom server`,
      });
    }
    const baseUrl = model.base_url;
    const allowedUrls = policy.allowedBaseUrls;
    if (typeof baseUrl === "string" && allowedUrls && !isBaseUrlAllowed(baseUrl, allowedUrls)) {
      issues.push({
        path: ["models", name, "base_url"],
        message: `${baseUrl} is not an allowed endpoint: base_url must equal or start with a ` +
          `URL listed in LOOM_LLM_ALLOWED_BASE_URLS (${
            describeList(allowedUrls.map(redactCredentials))
          }); to allow it, add it to LOOM_LLM_ALLOWED_BASE_URLS on the Loom server`,
      });
    }
    const server = policy.serverBaseUrl;
    if (
      typeof baseUrl === "string" && typeof keyEnv === "string" && !allowedUrls && server &&
      !isBaseUrlAllowed(baseUrl, [server])
    ) {
      issues.push({
        path: ["models", name, "base_url"],
        message: `${baseUrl} may not receive a key: a model with api_key_env may only call the ` +
          `server's endpoint ${redactCredentials(server)} (LOOM_LLM_BASE_URL) unless ` +
          `LOOM_LLM_ALLOWED_BASE_URLS lists more; to allow it, add it to ` +
          `LOOM_LLM_ALLOWED_BASE_URLS on the Loom server, or drop api_key_env for a key-less endpoint`,
      });
    }
  }
  return issues;
}

/**
 * Whether `url` is one of `allowed` or lies beneath one of them. Prefixes match at a `/`
 * boundary after normalising both through `URL` (case of host, default ports, `..` segments,
 * trailing slashes), so `https://api.example.com.evil.net` or `https://api.example.com@evil.net`
 * never pass for `https://api.example.com`. A URL carrying credentials never matches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBaseUrlAllowed } from "./policy.ts";
 *
 * const allowed = ["https://api.openai.com"];
 * assert.equal(isBaseUrlAllowed("https://api.openai.com/v1/", allowed), true);
 * assert.equal(isBaseUrlAllowed("https://api.openai.com.evil.net/v1", allowed), false);
 * ```
 */
export function isBaseUrlAllowed(url: string, allowed: readonly string[]): boolean {
  const candidate = normaliseUrl(url);
  if (!candidate || candidate.credentials) return false;
  return allowed.some((entry) => {
    const prefix = normaliseUrl(entry);
    if (!prefix) return false;
    return candidate.origin === prefix.origin &&
      (candidate.path === prefix.path || candidate.path.startsWith(prefix.path + "/"));
  });
}

function normaliseUrl(
  text: string,
): { origin: string; path: string; credentials: boolean } | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text.trim());
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return {
    origin: url.origin,
    path: url.pathname.replace(/\/+$/, ""),
    credentials: url.username !== "" || url.password !== "",
  };
}

// An operator may have put a user:password into an allowed URL; error messages reach
// repository authors, so those must not be echoed.
function redactCredentials(text: string): string {
  if (!URL.canParse(text)) return text.replace(/\/\/[^/]*@/, "//");
  const url = new URL(text);
  url.username = "";
  url.password = "";
  return url.href;
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
