/**
 * extendLeases: the heartbeat. Renews this worker's leases and tells it which jobs it lost.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { stillHeld } from "./_fence.ts";
import type { Claim } from "./job.ts";

/**
 * Pushes the lease of each of `claims` to now + `leaseMs`; returns the ids still held. A job
 * missing from the answer was cancelled, taken back after an expired lease, or claimed again
 * since (see `_fence.ts`): the run made for that claim must stop.
 */
export async function extendLeases(
  q: QueueContext,
  workerId: string,
  claims: readonly Claim[],
  leaseMs: number,
): Promise<Set<number>> {
  if (claims.length === 0) return new Set();
  const now = q.now();
  const result = await sql<{ id: number }>`
    update jobs set locked_until = ${now + leaseMs}, updated_at = ${now}
    where ${stillHeld(workerId, claims)}
    returning id`.execute(q.relaxedDb);
  return new Set(result.rows.map((r) => Number(r.id)));
}
