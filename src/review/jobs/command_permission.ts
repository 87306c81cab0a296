/**
 * Whether the author of a chat command may command Loom: asked in the job that answers the
 * command, since intake calls no platform API. Anyone can comment on a public repository, and a
 * command costs a review (a model's tokens, the running review cancelled) or a comment.
 * @module
 */
import type { JobPayload } from "../../jobs.ts";
import type { GitAdapter } from "../../platform/mod.ts";
import type { ReviewJobDeps } from "./deps.ts";

/**
 * Why the command behind `payload` is not obeyed, or null when it is (or when no command asked
 * for the job). With `commandsFrom` `writers` (the default) the author needs write access to the
 * repository: what the delivery proved already, or what the platform answers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandRefusal } from "./command_permission.ts";
 *
 * const adapter = { canWrite: (_repo: unknown, user: { name: string }) =>
 *   Promise.resolve(user.name === "maintainer") };
 * const payload = (name: string) => ({
 *   repo: { platform: "memory", fullName: "o/r" }, pr: 1, body: "", commandBy: { name },
 * });
 * assert.equal(await commandRefusal({}, adapter, payload("maintainer")), null);
 * assert.match(await commandRefusal({}, adapter, payload("drive-by")) ?? "", /no write access/);
 * assert.equal(await commandRefusal({ commandsFrom: "anyone" }, adapter, payload("x")), null);
 * ```
 */
export async function commandRefusal(
  deps: Pick<ReviewJobDeps, "commandsFrom">,
  adapter: Pick<GitAdapter, "canWrite">,
  payload: Pick<JobPayload<"reply" | "review" | "command" | "resolve">, "repo" | "commandBy">,
): Promise<string | null> {
  const by = payload.commandBy;
  if (!by || deps.commandsFrom === "anyone" || by.writer) return null;
  const user = by.id !== undefined ? { name: by.name, id: by.id } : { name: by.name };
  if (await adapter.canWrite(payload.repo, user)) return null;
  return `${by.name} has no write access to ${payload.repo.fullName} (LOOM_COMMANDS_FROM=writers)`;
}
