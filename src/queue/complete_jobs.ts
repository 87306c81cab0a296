/**
 * completeJobs: marks jobs this worker ran as succeeded, many in one statement.
 * @module
 */
import { type RawBuilder, sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { stillHeld } from "./_fence.ts";
import type { Claim } from "./job.ts";

/** Claims per statement: three parameters each, well inside SQLite's limit of 32,766. */
export const MAX_CLAIMS = 5_000;

/**
 * Marks the jobs of `claims` succeeded if each claim is still the current one (see `_fence.ts`);
 * returns the ids it marked. A job that was cancelled, whose lease expired, or that was claimed
 * again since is left as it is: the caller's run is not its ending.
 */
export async function completeJobs(
  q: QueueContext,
  workerId: string,
  claims: readonly Claim[],
): Promise<number[]> {
  if (claims.length === 0) return [];
  if (claims.length > MAX_CLAIMS) {
    const done: number[] = [];
    for (let i = 0; i < claims.length; i += MAX_CLAIMS) {
      done.push(...await completeJobs(q, workerId, claims.slice(i, i + MAX_CLAIMS)));
    }
    return done;
  }
  const result = await completeStatement(workerId, claims, q.now()).execute(q.relaxedDb);
  return result.rows.map((r) => Number(r.id));
}

/** The completion's `update … returning id`, for {@link completeJobs} and `complete_and_claim.ts`. */
export function completeStatement(
  workerId: string,
  claims: readonly Claim[],
  now: number,
): RawBuilder<{ id: number }> {
  return sql<{ id: number }>`
    update jobs
    set status = 'succeeded', locked_by = null, locked_until = null,
        finished_at = ${now}, updated_at = ${now}
    where ${stillHeld(workerId, claims)}
    returning id`;
}
