/**
 * withdrawJob: takes back a job its producer could not stand behind (intake, when the delivery
 * that made it could not be recorded), as if it had never been enqueued.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";

/**
 * Deletes job `id` if it is still queued and was never claimed; true when it did. A job a worker
 * already took is left alone (the caller cancels it instead).
 */
export async function withdrawJob(q: QueueContext, id: number): Promise<boolean> {
  const result = await sql`
    delete from jobs where id = ${id} and status = 'queued' and attempts = 0`.execute(q.db);
  return Number(result.numAffectedRows ?? 0) > 0;
}
