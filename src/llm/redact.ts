/**
 * Keeping secrets out of text Loom shows or logs.
 * @module
 */

import type { ModelSpec } from "./model_spec.ts";

/**
 * Replaces every occurrence of the model's API key (and any password in its base URL) with
 * `***`. Servers echo keys back in error bodies, so every message built from a server's answer
 * goes through here.
 */
export function redact(text: string, model: Pick<ModelSpec, "apiKey" | "baseUrl">): string {
  let out = text;
  for (const secret of secretsOf(model)) out = out.replaceAll(secret, "***");
  return out;
}

/**
 * The base URL as it may appear in messages: without user info, query or fragment (where
 * gateways sometimes carry credentials).
 *
 * @example
 * ```ts
 * displayUrl("https://user:pw@gw.example/v1?key=abc"); // "https://gw.example/v1"
 * ```
 */
export function displayUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/$/, "");
  } catch {
    return "(invalid base_url)";
  }
}

function secretsOf(model: Pick<ModelSpec, "apiKey" | "baseUrl">): string[] {
  const secrets: string[] = [];
  // A very short key would redact ordinary words; such a key is not a real secret anyway.
  if (model.apiKey && model.apiKey.length >= 4) secrets.push(model.apiKey);
  try {
    const url = new URL(model.baseUrl);
    if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
    for (const value of url.searchParams.values()) if (value.length >= 4) secrets.push(value);
  } catch {
    // An unparseable base URL fails the call itself; there is nothing more to hide here.
  }
  return secrets;
}
