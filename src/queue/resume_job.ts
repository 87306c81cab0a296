/**
 * resumeJob: a postponed job may run now.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";

/**
 * A queued job waiting past now becomes due now. A running job has its `run_at` moved back by one
 * millisecond: the mark {@link postponeJob} reads to know it was resumed meanwhile, so the resume
 * is not lost to the postpone that follows it. Finished jobs are left alone.
 */
export async function resumeJob(q: QueueContext, id: number): Promise<void> {
  const now = sql`cast(${q.now()} as bigint)`;
  await sql`
    update jobs
    set score = case when status = 'running' then score - 1
                     when run_at > ${now} then score - run_at + ${now} else score end,
        run_at = case when status = 'running' then run_at - 1
                      when run_at > ${now} then ${now} else run_at end
    where id = ${id} and status in ('queued', 'running')`.execute(q.db);
  q.wakeup.notify();
}
