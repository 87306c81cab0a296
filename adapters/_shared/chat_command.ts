/**
 * The chat commands Loom answers in a pull request's comments, the same on every platform.
 * @module
 */

/**
 * The command a comment's first line gives, or null when the comment is not talking to Loom.
 * `/loom review` and `/loom help` are commands (case and surrounding space ignored); `/loom`
 * alone, or with a word Loom does not know, asks for help, since its author was talking to
 * Loom. `/loomy` or a `/loom` below the first line is not a command.
 *
 * @example
 * ```ts
 * chatCommand("/loom review\nplease"); // "review"
 * chatCommand("/loom what now?"); // "help"
 * chatCommand("looks good"); // null
 * ```
 */
export function chatCommand(text: string): "review" | "help" | null {
  const first = text.split("\n", 1)[0].trim().toLowerCase();
  const m = /^\/loom(?:\s+(\S+))?/.exec(first);
  if (!m || (first.length > 5 && !/\s/.test(first[5]))) return null;
  return m[1] === "review" ? "review" : "help";
}
