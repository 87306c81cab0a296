/**
 * The settings an enabled platform cannot do without.
 * @module
 */

/**
 * The values of `needed`, each given as its value and how to name it to the operator; throws
 * when any is unset, listing every missing one after `intro` ("X is set but Loom cannot call
 * Y"). The message names settings, never a value, so it is safe to log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requireSettings } from "./required_settings.ts";
 *
 * const intro = "LOOM_X_WEBHOOK_SECRET is set but Loom cannot call X";
 * const { url } = requireSettings(intro, {
 *   url: ["https://x.example", "LOOM_X_URL (the instance)"],
 * });
 * assert.equal(url, "https://x.example");
 * assert.throws(
 *   () => requireSettings(intro, { url: [undefined, "LOOM_X_URL (the instance)"] }),
 *   { message: `${intro}: set LOOM_X_URL (the instance)` },
 * );
 * ```
 */
export function requireSettings<const K extends string>(
  intro: string,
  needed: Record<K, readonly [value: string | undefined, name: string]>,
): Record<K, string> {
  const entries = Object.entries(needed) as [K, readonly [string | undefined, string]][];
  const missing = entries.filter(([, [value]]) => !value).map(([, [, name]]) => name);
  if (missing.length > 0) throw new Error(`${intro}: set ${missing.join(" and ")}`);
  return Object.fromEntries(entries.map(([key, [value]]) => [key, value])) as Record<K, string>;
}
