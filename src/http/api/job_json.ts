/**
 * How the admin API shows a job: snake_case, times as ISO 8601.
 * @module
 */
import type { Job } from "../../queue/mod.ts";
import { iso } from "./iso.ts";

/** The JSON form of a job. */
export function jobJson(job: Job) {
  return {
    id: job.id,
    kind: job.kind,
    lane: job.lane,
    status: job.status,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    /** Milliseconds waited out on rate limits, which spend no attempt. */
    rate_limit_waited_ms: job.rateLimitWaitedMs,
    run_at: iso(job.runAt),
    locked_by: job.lockedBy,
    locked_until: iso(job.lockedUntil),
    last_error: job.lastError,
    errors: job.errors.map((e) => ({ ...e, at: iso(e.at) })),
    dedupe_key: job.dedupeKey,
    group_key: job.groupKey,
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    payload: job.payload,
  };
}
