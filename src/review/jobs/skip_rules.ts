/**
 * Whether an automatic review of a pull request is skipped, and why: Loom is paused on it
 * (`/loom pause`, `review.auto_pause_after`), its description has a `/loom ignore` line, or a
 * `triggers` rule of `.loom/config.yaml` leaves it out (`ignore_authors`, `ignore_titles`,
 * `labels`, `skip_labels`). A skip is shown on the platform (the status says skipped and why);
 * a command (`/loom review`) is never skipped: a writer asked for it on purpose.
 * @module
 */
import { globMatcher } from "../../glob/mod.ts";
import type { JobPayload } from "../../jobs.ts";
import type { GitAdapter, PullRequest } from "../../platform/mod.ts";
import type { TriggersConfig } from "../../repo_config/mod.ts";
import type { PauseState } from "../../store/mod.ts";
import { commandRefusal } from "./command_permission.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** What {@link skipReason} decides from. */
export interface SkipFacts {
  pr: Pick<PullRequest, "author" | "title" | "description" | "labels">;
  triggers: Pick<TriggersConfig, "ignore_authors" | "ignore_titles" | "labels" | "skip_labels">;
  /** The pull request's pause, when Loom is paused on it. */
  paused: PauseState["paused"];
  /**
   * Whether the pull request's author may command Loom: a `/loom ignore` line is a command, so
   * it is obeyed only from a writer (with `LOOM_COMMANDS_FROM=writers`); otherwise anyone
   * opening a pull request could turn its review off. Asked only when the line is there.
   */
  authorMayCommand: () => Promise<boolean>;
}

/**
 * Why an automatic review is skipped, or null when it runs. Rules are read in order: the pause,
 * `/loom ignore`, `ignore_authors` (globs over the login, case-insensitive; a login equal to a
 * pattern matches too, so `dependabot[bot]` is that bot and not a character class),
 * `ignore_titles` (substrings, case-insensitive), `labels` (one of them needed; a platform
 * without labels, such as Bitbucket, never has one, so the review is skipped saying so), and
 * `skip_labels`. Each reason is short: it is the status's description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skipReason } from "./skip_rules.ts";
 *
 * const triggers = { ignore_authors: ["renovate*"], ignore_titles: ["WIP"], labels: [],
 *   skip_labels: [] };
 * const pr = { author: "ana", title: "Add search", description: "", labels: [] };
 * const facts = { pr, triggers, paused: null, authorMayCommand: () => Promise.resolve(true) };
 * assert.equal(await skipReason(facts), null);
 * assert.equal(
 *   await skipReason({ ...facts, pr: { ...pr, title: "wip: add search" } }),
 *   'title contains "WIP" (triggers.ignore_titles)',
 * );
 * ```
 */
export async function skipReason(facts: SkipFacts): Promise<string | null> {
  const { pr, triggers, paused } = facts;
  if (paused) {
    return `paused ${paused.by !== null ? `by ${paused.by}` : paused.reason} — /loom resume`;
  }
  if (hasIgnoreLine(pr.description) && await facts.authorMayCommand()) {
    return "the description says /loom ignore";
  }
  const login = pr.author.toLowerCase();
  const authors = triggers.ignore_authors.map((a) => a.toLowerCase());
  if (authors.includes(login) || (authors.length > 0 && globMatcher(authors)(login))) {
    return `author ${pr.author} matches triggers.ignore_authors`;
  }
  const title = pr.title.toLowerCase();
  const word = triggers.ignore_titles.find((w) => title.includes(w.toLowerCase()));
  if (word !== undefined) return `title contains ${JSON.stringify(word)} (triggers.ignore_titles)`;
  const labels = new Set((pr.labels ?? []).map((l) => l.toLowerCase()));
  if (triggers.labels.length > 0) {
    if (pr.labels === undefined) {
      return "triggers.labels is set, but this platform's pull requests have no labels";
    }
    if (!triggers.labels.some((l) => labels.has(l.toLowerCase()))) {
      return `no label of triggers.labels (${triggers.labels.join(", ")})`;
    }
  }
  const skip = triggers.skip_labels.find((l) => labels.has(l.toLowerCase()));
  if (skip !== undefined) return `label ${skip} is in triggers.skip_labels`;
  return null;
}

/**
 * {@link skipReason} for the review job's pull request: reads its pause from the store and, for
 * a `/loom ignore` line, asks the platform whether its author may command Loom.
 */
export async function reviewSkip(
  deps: Pick<ReviewJobDeps, "store" | "commandsFrom">,
  adapter: Pick<GitAdapter, "canWrite">,
  payload: Pick<JobPayload<"review">, "repo" | "pr">,
  pr: PullRequest,
  triggers: TriggersConfig,
): Promise<string | null> {
  const { paused } = await deps.store.getPause({ repo: payload.repo, pr: payload.pr });
  return await skipReason({
    pr,
    triggers,
    paused,
    authorMayCommand: async () =>
      await commandRefusal(deps, adapter, {
        repo: payload.repo,
        commandBy: { name: pr.author },
      }) === null,
  });
}

/** True when a line of `description`, outside fenced code, is `/loom ignore`. */
function hasIgnoreLine(description: string): boolean {
  let fence: string | null = null;
  for (const raw of description.split("\n")) {
    const line = raw.trim();
    const opens = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (opens && opens[0] === fence[0] && opens.length >= fence.length) fence = null;
    } else if (opens) fence = opens;
    else if (line.toLowerCase() === "/loom ignore") return true;
  }
  return false;
}
