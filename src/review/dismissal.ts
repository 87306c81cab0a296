/**
 * Reading a person's verdict on one of Loom's inline comments: a thread they resolved, a reply
 * saying the finding is not worth fixing, or a thumbs-down. Such a finding is `dismissed` and
 * never posted on that pull request again.
 * @module
 */
import type { ReviewThread } from "../platform/mod.ts";

/** Who dismissed a finding, and how. */
export interface Dismissal {
  by: string;
  how: "resolved" | "reply" | "reaction";
}

// Whole phrases only ("won't fixate" says nothing); straight or curly apostrophe, or none.
const PHRASES = /(?<![\p{L}\p{N}])(won['’]?t fix|not an issue)(?![\p{L}\p{N}])/iu;
const THUMBS_DOWN = "\u{1F44E}";

/**
 * The first person's dismissal of `thread`, or null. `mayDismiss` decides whose reply or reaction
 * counts (a writer's, under `LOOM_COMMANDS_FROM=writers`); a resolved thread counts whoever
 * resolved it, since the platform itself decides who may resolve, and one Loom resolved itself
 * (`resolvedBy` is `loomName`) is no one's verdict.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dismissalOf } from "./dismissal.ts";
 *
 * const thread = (body: string) => ({
 *   commentId: "c1", resolved: false, replies: [{ author: "ana", body }], reactions: [],
 * });
 * const anyone = () => Promise.resolve(true);
 * assert.deepEqual(await dismissalOf(thread("Won't fix: by design"), anyone), {
 *   by: "ana", how: "reply",
 * });
 * assert.equal(await dismissalOf(thread("I won't fixate on it"), anyone), null);
 * ```
 */
export async function dismissalOf(
  thread: ReviewThread,
  mayDismiss: (name: string) => Promise<boolean>,
  loomName = "loom",
): Promise<Dismissal | null> {
  if (thread.resolved && thread.resolvedBy !== loomName) {
    return { by: thread.resolvedBy ?? "someone", how: "resolved" };
  }
  for (const reply of thread.replies) {
    if (!PHRASES.test(reply.body) && !reply.body.includes(THUMBS_DOWN)) continue;
    if (await mayDismiss(reply.author)) return { by: reply.author, how: "reply" };
  }
  for (const reaction of thread.reactions) {
    if (reaction.content !== "-1") continue;
    if (await mayDismiss(reaction.author)) return { by: reaction.author, how: "reaction" };
  }
  return null;
}
