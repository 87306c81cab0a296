/**
 * Gitea and Forgejo have no draft flag of their own: a pull request is a draft ("work in
 * progress") while its title starts with one of the instance's WIP prefixes.
 * @module
 */

// Gitea's default `[repository.pull-request] WORK_IN_PROGRESS_PREFIXES` is `WIP:,[WIP]`;
// `Draft:` and `[Draft]` are the prefixes instances commonly add, and what people type.
const WIP_PREFIXES = ["wip:", "[wip]", "draft:", "[draft]"];

/**
 * True when `title` starts with a WIP prefix (`WIP:`, `[WIP]`, `Draft:`, `[Draft]`), ignoring
 * case and leading space, as Gitea matches them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasWipPrefix } from "./_wip.ts";
 *
 * assert.equal(hasWipPrefix("[wip] Parameterise find"), true);
 * assert.equal(hasWipPrefix("  Draft: Parameterise find"), true);
 * assert.equal(hasWipPrefix("Fix WIP: handling"), false);
 * ```
 */
export function hasWipPrefix(title: string): boolean {
  const start = title.trimStart().toLowerCase();
  return WIP_PREFIXES.some((prefix) => start.startsWith(prefix));
}
