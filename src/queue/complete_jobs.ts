/**
 * completeJobs: marks jobs this worker ran as succeeded, many in one statement.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";

/**
 * Marks `ids` succeeded if this worker still holds them; returns the ids it marked. A job that was
 * cancelled or whose lease expired meanwhile is left as it is.
 */
export async function completeJobs(
  q: QueueContext,
  workerId: string,
  ids: readonly number[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const now = q.now();
  const result = await sql<{ id: number }>`
    update jobs
    set status = 'succeeded', locked_by = null, locked_until = null,
        finished_at = ${now}, updated_at = ${now}
    where id in (${sql.join(ids.map((id) => sql`${id}`))})
      and status = 'running' and locked_by = ${workerId}
    returning id`.execute(q.relaxedDb);
  return result.rows.map((r) => Number(r.id));
}
