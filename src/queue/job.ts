/**
 * A job as the queue hands it out, parsed from its row.
 * @module
 */
import type { JobsTable, JobStatus, Lane } from "../db/mod.ts";

export type { JobStatus, Lane };

/** One entry of a job's error history. */
export interface JobError {
  at: number;
  attempt: number;
  message: string;
}

/** A durable job. Times are epoch milliseconds. */
export interface Job<P = unknown> {
  id: number;
  kind: string;
  lane: Lane;
  payload: P;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lockedBy: string | null;
  lockedUntil: number | null;
  lastError: string | null;
  errors: JobError[];
  dedupeKey: string | null;
  groupKey: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Milliseconds this job has waited out rate limits in all; bounded by the queue's budget. */
  rateLimitWaitedMs: number;
  /**
   * Which claim of the job this is (each claim counts one more): completing, failing, renewing,
   * releasing or postponing a job acts only while the claim it was handed is still the current one.
   */
  claimToken: number;
}

/**
 * One claim of a job: what the operations made for a claim (complete, heartbeat, release) take.
 * A claimed {@link Job} is one; a bare id is not, so no caller can act for a claim it does not hold.
 */
export type Claim = Pick<Job, "id" | "claimToken">;

/** A row of the `jobs` table as the driver returns it. */
export type JobRow = Omit<JobsTable, "id"> & { id: number };

/** Turns a stored row into a {@link Job}. */
export function rowToJob(row: JobRow): Job {
  return {
    id: Number(row.id),
    kind: row.kind,
    lane: row.lane,
    payload: JSON.parse(row.payload),
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: Number(row.run_at),
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
    lastError: row.last_error,
    errors: JSON.parse(row.errors),
    dedupeKey: row.dedupe_key,
    groupKey: row.group_key,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    rateLimitWaitedMs: Number(row.rate_limit_waited_ms ?? 0),
    claimToken: Number(row.claim_token ?? 0),
  };
}
