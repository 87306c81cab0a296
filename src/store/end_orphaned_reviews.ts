/**
 * endOrphanedReviews: ends the reviews left `running` with no job left to end them.
 *
 * A review row is ended by its `review` job or by its `publish` job (dedupe key
 * `publish:<review id>`, `publishDedupeKey` in `review/jobs/pipeline_endings.ts`, queued before the review job completes). Their handlers end it on every
 * path, their last failure included; the one path no handler sees is a job the lease reaper
 * declares dead after its worker vanished on its last attempt. The hourly prune sweeps those
 * here, so that no review stays `running` for ever.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** Why a swept review ended, on its row. */
export const ORPHANED =
  "ended by the prune: its review and publish jobs ended without finishing it (a worker lost)";

/** Ends as failed each running review whose review job and publish job are both over; counts them. */
export async function endOrphanedReviews(db: Kysely<Tables>, now: number): Promise<number> {
  const result = await sql`
    update reviews set status = 'failed', error = ${ORPHANED}, finished_at = ${now},
      duration_ms = ${now} - created_at
    where status = 'running'
      and not exists (select 1 from jobs where jobs.id = reviews.job_id
                        and jobs.status in ('queued', 'running'))
      and not exists (select 1 from jobs where jobs.dedupe_key = 'publish:' || reviews.id
                        and jobs.status in ('queued', 'running'))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
