/**
 * The one error shape every config and prompt check reports, so `loom config validate`, the
 * worker and the HTTP layer can all print or post them the same way.
 * @module
 */

/** A problem found in a config or prompt file, at a 1-based line and column. */
export interface ConfigError {
  /** The file as the caller named it (not resolved), so output matches what the user typed. */
  file: string;
  line: number;
  col: number;
  message: string;
}

/**
 * Formats an error the way compilers do, so editors and CI logs turn it into a link.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatConfigError } from "./config_error.ts";
 *
 * assert.equal(
 *   formatConfigError({ file: ".loom/config.yaml", line: 3, col: 5, message: "unknown key" }),
 *   ".loom/config.yaml:3:5: unknown key",
 * );
 * ```
 */
export function formatConfigError(e: ConfigError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.message}`;
}

/**
 * Orders errors top to bottom within each file (files keep the order they were first reported
 * in) and drops exact duplicates, so the output reads like the file however many checks ran.
 */
export function sortConfigErrors(errors: readonly ConfigError[]): ConfigError[] {
  const fileRank = new Map<string, number>();
  const seen = new Set<string>();
  const unique: ConfigError[] = [];
  for (const e of errors) {
    if (!fileRank.has(e.file)) fileRank.set(e.file, fileRank.size);
    const key = formatConfigError(e);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(e);
  }
  return unique.sort((a, b) =>
    fileRank.get(a.file)! - fileRank.get(b.file)! || a.line - b.line || a.col - b.col
  );
}
