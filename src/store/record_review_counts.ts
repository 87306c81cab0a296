/**
 * recordReviewCounts: what a published review found and what its model calls cost.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** The totals of one published review. */
export interface ReviewCounts {
  findings: number;
  blockers: number;
  promptTokens: number;
  completionTokens: number;
  llmCalls: number;
}

/** Sets review `reviewId`'s totals. */
export async function recordReviewCounts(
  db: Kysely<Tables>,
  reviewId: number,
  c: ReviewCounts,
): Promise<void> {
  await sql`
    update reviews set findings = ${c.findings}, blockers = ${c.blockers},
      prompt_tokens = ${c.promptTokens}, completion_tokens = ${c.completionTokens},
      llm_calls = ${c.llmCalls}
    where id = ${reviewId}`.execute(db);
}
