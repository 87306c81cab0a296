/**
 * The chat commands Loom answers in a pull request's comments, the same on every platform.
 * @module
 */
import { CHAT_COMMANDS, type ChatCommand } from "../../src/platform/mod.ts";

const KNOWN: ReadonlySet<string> = new Set(CHAT_COMMANDS);

/**
 * The command a comment's first line gives, or null when the comment is not talking to Loom.
 * `/loom review`, `/loom full-review`, `/loom pause`, `/loom resume`, `/loom resolve`,
 * `/loom config` and `/loom help` are commands (case and surrounding space ignored); `/loom`
 * alone, or with a word Loom does not know, asks for help, since its author was talking to
 * Loom. `/loomy` or a `/loom` below the first line is not a command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chatCommand } from "./chat_command.ts";
 *
 * assert.equal(chatCommand("/loom review\nplease"), "review");
 * assert.equal(chatCommand("/loom full-review"), "full-review");
 * assert.equal(chatCommand("  /LOOM Pause "), "pause");
 * assert.equal(chatCommand("/loom what now?"), "help");
 * assert.equal(chatCommand("looks good\n/loom review"), null);
 * assert.equal(chatCommand("/loomy"), null);
 * ```
 */
export function chatCommand(text: string): ChatCommand | null {
  const first = text.split("\n", 1)[0].trim().toLowerCase();
  const m = /^\/loom(?:\s+(\S+))?/.exec(first);
  if (!m || (first.length > 5 && !/\s/.test(first[5]))) return null;
  return m[1] !== undefined && KNOWN.has(m[1]) ? m[1] as ChatCommand : "help";
}
