/**
 * retryJob: gives a dead or cancelled job a fresh set of attempts.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { DedupeKeyHeldError } from "./dedupe_key_held.ts";
import { getJob } from "./get_job.ts";
import type { Job } from "./job.ts";
import { claimScore } from "./lanes.ts";

/**
 * Re-queues job `id` if it is `dead` or `cancelled`, runnable now, with its attempts and its rate-limit
 * wait reset and its error history kept. Returns the job as it is afterwards, or null when no such job exists.
 * A job in another state is returned unchanged (check its status). Throws
 * {@link DedupeKeyHeldError} when a newer queued or running job holds the job's dedupe key.
 */
export async function retryJob(q: QueueContext, id: number): Promise<Job | null> {
  const job = await getJob(q, id);
  if (!job || (job.status !== "dead" && job.status !== "cancelled")) return job;
  const now = q.now();
  try {
    // The holder check is in the update itself, so a key taken since the read is not overwritten.
    await sql`
      update jobs
      set status = 'queued', attempts = 0, rate_limit_waited_ms = 0, run_at = ${now},
          score = ${claimScore(job.lane, now, q.agingMs)}, locked_by = null, locked_until = null,
          finished_at = null, updated_at = ${now}
      where id = ${id} and status in ('dead', 'cancelled')
        and not exists (
          select 1 from jobs holder
          where holder.dedupe_key = jobs.dedupe_key and holder.id <> jobs.id
            and holder.status in ('queued', 'running'))`.execute(q.db);
  } catch (error) {
    // A holder inserted concurrently (not yet visible to the check) trips the unique index.
    await throwIfKeyHeld(q, job);
    throw error;
  }
  await throwIfKeyHeld(q, job);
  q.wakeup.notify();
  return await getJob(q, id);
}

/** Throws {@link DedupeKeyHeldError} when `job` is still not queued and another job holds its key. */
async function throwIfKeyHeld(q: QueueContext, job: Job): Promise<void> {
  const key = await sql<{ dedupe_key: string | null; status: string }>`
    select dedupe_key, status from jobs where id = ${job.id}`.execute(q.db);
  const row = key.rows[0];
  if (!row?.dedupe_key || row.status === "queued") return;
  const holder = await sql<{ id: number; status: string }>`
    select id, status from jobs
    where dedupe_key = ${row.dedupe_key} and id <> ${job.id} and status in ('queued', 'running')
    limit 1`.execute(q.db);
  const held = holder.rows[0];
  if (held) throw new DedupeKeyHeldError(job.id, row.dedupe_key, Number(held.id), held.status);
}
