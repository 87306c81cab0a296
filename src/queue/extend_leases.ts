/**
 * extendLeases: the heartbeat. Renews this worker's leases and tells it which jobs it lost.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";

/**
 * Pushes the lease of each of `ids` to now + `leaseMs`; returns the ids still held. A job missing
 * from the answer was cancelled or taken back after an expired lease: its handler must stop.
 */
export async function extendLeases(
  q: QueueContext,
  workerId: string,
  ids: readonly number[],
  leaseMs: number,
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const now = q.now();
  const result = await sql<{ id: number }>`
    update jobs set locked_until = ${now + leaseMs}, updated_at = ${now}
    where id in (${sql.join(ids.map((id) => sql`${id}`))})
      and status = 'running' and locked_by = ${workerId}
    returning id`.execute(q.relaxedDb);
  return new Set(result.rows.map((r) => Number(r.id)));
}
