/**
 * The fence every operation made for a claim puts in its `where`: the row is still running, held
 * by this worker, under this very claim. A claim is the job's id with its `claim_token`, which
 * each claim of the row moves on (see `migrations/0005_claim_token.ts`), so a worker's late
 * answer for an earlier claim (its lease was reaped during a stall and it was handed the job
 * again; the job was cancelled and retried meanwhile) matches nothing and changes nothing.
 * @module
 */
import { type RawBuilder, sql } from "kysely";
import type { Claim } from "./job.ts";

/**
 * The condition that `claims` are still current, for one statement over all of them: `id in`
 * keeps the primary-key look-up the planner would use for ids alone, and the row value pairs each
 * id with its token. Typed, since PostgreSQL reads untyped parameters in `values` as text.
 */
export function stillHeld(workerId: string, claims: readonly Claim[]): RawBuilder<unknown> {
  const held = sql`status = 'running' and locked_by = ${workerId}`;
  if (claims.length === 1) {
    return sql`id = ${claims[0].id} and claim_token = ${claims[0].claimToken} and ${held}`;
  }
  const ids = sql.join(claims.map((c) => sql`${c.id}`));
  const pairs = sql.join(
    claims.map((c) => sql`(cast(${c.id} as bigint), cast(${c.claimToken} as bigint))`),
  );
  return sql`id in (${ids}) and (id, claim_token) in (values ${pairs}) and ${held}`;
}
