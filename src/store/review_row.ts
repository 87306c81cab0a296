/**
 * A review as the store hands it out: the row of `reviews` without its stored inputs and summary
 * text (the big columns, read only where needed), with every
 * number a number (PostgreSQL's drivers hand counts and bigints over as strings).
 * @module
 */
import type { Selectable } from "kysely";
import type { ReviewsTable } from "../db/mod.ts";

/** One review of one head commit of one pull request. */
export type ReviewRecord = Omit<Selectable<ReviewsTable>, "inputs" | "summary">;

/** The columns of a {@link ReviewRecord}, for the statements that read one. */
export const REVIEW_COLUMNS = [
  "id",
  "platform",
  "repository",
  "pr_number",
  "pr_title",
  "head_sha",
  "base_sha",
  "status",
  "trigger",
  "job_id",
  "findings",
  "blockers",
  "prompt_tokens",
  "completion_tokens",
  "llm_calls",
  "duration_ms",
  "summary_comment_id",
  "error",
  "created_at",
  "finished_at",
] as const;

/** Normalises a row read with {@link REVIEW_COLUMNS}. */
export function toReviewRecord(r: ReviewRecord): ReviewRecord {
  return {
    ...r,
    id: Number(r.id),
    pr_number: Number(r.pr_number),
    job_id: nullableNumber(r.job_id),
    findings: Number(r.findings),
    blockers: Number(r.blockers),
    prompt_tokens: Number(r.prompt_tokens),
    completion_tokens: Number(r.completion_tokens),
    llm_calls: Number(r.llm_calls),
    duration_ms: nullableNumber(r.duration_ms),
    created_at: Number(r.created_at),
    finished_at: nullableNumber(r.finished_at),
  };
}

/** `Number(value)`, keeping null. */
export function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}
