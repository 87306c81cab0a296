/**
 * resumePullRequest: automatic reviews of a paused pull request start again.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import type { PullRequestRef } from "./pull_request_pause.ts";

/**
 * Resumes the pull request, `by` a person, at `now` (auto-pause counts reviewed pushes from
 * then). False when it was not paused: nothing changes.
 */
export async function resumePullRequest(
  db: Kysely<Tables>,
  { repo, pr }: PullRequestRef,
  resume: { by: string; now: number },
): Promise<boolean> {
  const { rows } = await sql<{ resumed_at: number }>`
    update pull_request_pauses
    set paused_at = null, paused_by = null, reason = null, resumed_at = ${resume.now},
        resumed_by = ${resume.by}
    where platform = ${repo.platform} and repository = ${repo.fullName} and pr_number = ${pr}
      and paused_at is not null
    returning resumed_at`.execute(db);
  return rows.length > 0;
}
