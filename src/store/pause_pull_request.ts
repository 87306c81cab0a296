/**
 * pausePullRequest: stops automatic reviews of a pull request until it is resumed.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import type { PullRequestRef } from "./pull_request_pause.ts";

/**
 * Pauses the pull request, `by` a person (null: Loom itself), for `reason`. False when it was
 * paused already: the first pause's who, when and why are kept, so two pauses racing each other
 * (or an auto-pause after a person's) record the one that took effect.
 */
export async function pausePullRequest(
  db: Kysely<Tables>,
  { repo, pr }: PullRequestRef,
  pause: { by: string | null; reason: string; now: number },
): Promise<boolean> {
  const { rows } = await sql<{ paused_at: number }>`
    insert into pull_request_pauses (platform, repository, pr_number, paused_at, paused_by, reason)
    values (${repo.platform}, ${repo.fullName}, ${pr}, ${pause.now}, ${pause.by}, ${pause.reason})
    on conflict (platform, repository, pr_number) do update
      set paused_at = excluded.paused_at, paused_by = excluded.paused_by, reason = excluded.reason
      where pull_request_pauses.paused_at is null
    returning paused_at`.execute(db);
  return rows.length > 0;
}
