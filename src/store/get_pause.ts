/**
 * getPause: whether Loom is paused on a pull request.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import type { PauseState, PullRequestRef } from "./pull_request_pause.ts";

/** The pull request's pause state; never paused reads as not paused, never resumed. */
export async function getPause(
  db: Kysely<Tables>,
  { repo, pr }: PullRequestRef,
): Promise<PauseState> {
  const { rows } = await sql<{
    paused_at: number | null;
    paused_by: string | null;
    reason: string | null;
    resumed_at: number | null;
  }>`
    select paused_at, paused_by, reason, resumed_at from pull_request_pauses
    where platform = ${repo.platform} and repository = ${repo.fullName} and pr_number = ${pr}`
    .execute(db);
  const row = rows[0];
  if (!row) return { paused: null, resumedAt: null };
  return {
    paused: row.paused_at === null
      ? null
      : { at: Number(row.paused_at), by: row.paused_by, reason: row.reason ?? "" },
    resumedAt: row.resumed_at === null ? null : Number(row.resumed_at),
  };
}
