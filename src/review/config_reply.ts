/**
 * The comment `/loom config` answers with: the effective config of a pull request, each value
 * with where it came from, and any errors. Everything in it that a repository wrote (keys,
 * values, error messages) is untrusted and goes inside code spans, which neither render markup
 * nor mention anyone; credentials are masked; and the comment fits the platform's limit.
 * @module
 */
import type { ConfigValue } from "../repo_config/mod.ts";
import { codeSpan, escapeInline } from "../markdown/mod.ts";
import { scrubCredentials } from "../secrets/mod.ts";

/** What {@link renderConfigReply} shows. */
export interface ConfigReplyInput {
  /** The config file's path and the base branch it was read from. */
  file: string;
  baseRef: string;
  /** Whether the file exists on the base branch (else the server's defaults apply). */
  found: boolean;
  /** Each error as `file:line:col: message`; empty when the config is valid. */
  errors: string[];
  /** The effective values; empty when errors leave no config. */
  values: ConfigValue[];
  /** What the server's caps changed, one line each. */
  notes: string[];
  /** Whether Loom is paused on the pull request, in words; absent when not. */
  paused?: string;
  /** Values masked wherever they occur: the server's key, the keys the config names. */
  secrets: string[];
  /** Longest text to return. */
  maxChars: number;
}

const TITLE = "## Loom config for this pull request";
// A value longer than this is cut: a config is read by people, not dumped.
const VALUE_MAX_CHARS = 200;

/**
 * Renders the reply. Over `maxChars`, the list of values and then the list of errors are
 * shortened, each with a line saying how many were left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderConfigReply } from "./config_reply.ts";
 *
 * const reply = renderConfigReply({
 *   file: ".loom/config.yaml", baseRef: "main", found: true, errors: [], notes: [],
 *   values: [{ path: "review.max_llm_calls", value: 50, source: "server cap", asked: 99 }],
 *   secrets: [], maxChars: 60_000,
 * });
 * assert.match(reply, /- `review\.max_llm_calls`: `50` · server cap \(asked: `99`\)/);
 * ```
 */
export function renderConfigReply(input: ConfigReplyInput): string {
  const full = render(input, input.values.length, input.errors.length);
  if (full.length <= input.maxChars) return full;
  for (let values = input.values.length; values > 0; values = Math.floor(values / 2)) {
    const text = render(input, values, input.errors.length);
    if (text.length <= input.maxChars) return text;
  }
  for (let errors = input.errors.length;; errors = Math.floor(errors / 2)) {
    const text = render(input, 0, errors);
    if (text.length <= input.maxChars || errors === 0) return text.slice(0, input.maxChars);
  }
}

function render(input: ConfigReplyInput, maxValues: number, maxErrors: number): string {
  const mask = (text: string) => masked(text, input.secrets);
  const blocks = [TITLE];
  blocks.push(
    input.found
      ? `Read from ${codeSpan(input.file)} on ${codeSpan(input.baseRef)}, the base branch.`
      : `No ${codeSpan(input.file)} on ${codeSpan(input.baseRef)}: the server's defaults apply.`,
  );
  if (input.paused) blocks.push(`⏸️ ${escapeInline(input.paused)}`);
  if (input.errors.length > 0) {
    blocks.push(
      `❌ **${input.errors.length} ${plural(input.errors.length, "error")}:** pull requests ` +
        "are not reviewed until the config is fixed.\n\n" +
        list(input.errors, maxErrors, "error", (e) => `- ${codeSpan(mask(e))}`),
    );
  }
  if (input.values.length > 0) {
    blocks.push(
      "**Effective values** (value · where it came from):\n\n" +
        list(input.values, maxValues, "value", (v) => valueLine(v, mask)),
    );
  }
  if (input.notes.length > 0) {
    blocks.push(
      "**Clamped to this server's limits:**\n\n" +
        input.notes.map((n) => `- ${codeSpan(mask(n))}`).join("\n"),
    );
  }
  return blocks.join("\n\n") + "\n";
}

function valueLine(v: ConfigValue, mask: (text: string) => string): string {
  // Masked before cut: a secret cut in two would show its first half.
  const shown = (value: unknown) => codeSpan(cut(mask(JSON.stringify(value) ?? "null")));
  const asked = v.source === "server cap" ? ` (asked: ${shown(v.asked)})` : "";
  return `- ${codeSpan(cut(mask(v.path)))}: ${shown(v.value)} · ${v.source}${asked}`;
}

function list<T>(items: T[], max: number, noun: string, line: (item: T) => string): string {
  const lines = items.slice(0, max).map(line);
  const left = items.length - Math.min(max, items.length);
  if (left > 0) {
    lines.push(`- …and ${left} more ${plural(left, noun)}, left out to fit this comment.`);
  }
  return lines.join("\n");
}

/** Credential shapes and the known secrets, masked. */
function masked(text: string, secrets: string[]): string {
  let out = scrubCredentials(text);
  for (const secret of secrets) if (secret.length >= 4) out = out.replaceAll(secret, "***");
  return out;
}

function cut(text: string): string {
  return text.length > VALUE_MAX_CHARS ? `${text.slice(0, VALUE_MAX_CHARS - 1)}…` : text;
}

function plural(n: number, noun: string): string {
  return n === 1 ? noun : `${noun}s`;
}
