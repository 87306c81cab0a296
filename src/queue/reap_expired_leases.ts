/**
 * reapExpiredLeases: returns jobs whose worker stopped heartbeating (it died) to the queue.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";

const LOST = "lease expired: the worker running this job stopped (crashed or was killed)";

/**
 * Re-queues every running job whose lease has expired, or makes it `dead` if that was its last
 * attempt (a job that kills its worker every time must not loop forever). Safe to run on every
 * node at once: each row changes in one statement. Returns how many jobs were reaped.
 */
export async function reapExpiredLeases(q: QueueContext): Promise<number> {
  const now = q.now();
  // The history entry is built in SQL: each row has its own attempt number.
  const appended = q.store === "postgres"
    ? sql`(errors::jsonb || jsonb_build_array(jsonb_build_object(
        'at', cast(${now} as bigint), 'attempt', attempts, 'message', cast(${LOST} as text))))::text`
    : sql`json_insert(errors, '$[#]', json_object('at', ${now}, 'attempt', attempts,
        'message', ${LOST}))`;
  const result = await sql`
    update jobs
    set status = case when attempts >= max_attempts then 'dead' else 'queued' end,
        finished_at = case when attempts >= max_attempts then cast(${now} as bigint) end,
        run_at = ${now}, locked_by = null, locked_until = null,
        last_error = ${LOST}, errors = ${appended}, updated_at = ${now}
    where status = 'running' and locked_until < ${now}`.execute(q.db);
  return Number(result.numAffectedRows ?? 0);
}
