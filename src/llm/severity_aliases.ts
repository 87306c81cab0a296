/**
 * Mapping the severity words models use onto Loom's three severities.
 * @module
 */

import type { Severity } from "../findings/mod.ts";

// Only words that clearly mean "must fix" become blocker: a blocker fails the commit status,
// so "high" and "major" (which models also use for important-but-not-breaking) stay warnings.
const ALIASES: Record<string, Severity> = {
  blocker: "blocker",
  critical: "blocker",
  error: "blocker",
  fatal: "blocker",
  warning: "warning",
  warn: "warning",
  high: "warning",
  major: "warning",
  medium: "warning",
  moderate: "warning",
  info: "info",
  information: "info",
  minor: "info",
  low: "info",
  note: "info",
  suggestion: "info",
  nit: "info",
  nitpick: "info",
  style: "info",
  hint: "info",
  trivial: "info",
};

/**
 * The {@link Severity} a model meant, ignoring case and surrounding space; `undefined` for
 * anything unknown, so the caller's default applies instead of a guess.
 *
 * | says | becomes |
 * |---|---|
 * | blocker, critical, error, fatal | blocker |
 * | warning, warn, high, major, medium, moderate | warning |
 * | info, information, minor, low, note, suggestion, nit, nitpick, style, hint, trivial | info |
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toSeverity } from "./severity_aliases.ts";
 *
 * assert.equal(toSeverity("Critical"), "blocker");
 * assert.equal(toSeverity("purple"), undefined);
 * ```
 */
export function toSeverity(value: unknown): Severity | undefined {
  if (typeof value !== "string") return undefined;
  const key = value.trim().toLowerCase();
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
}
