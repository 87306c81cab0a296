/**
 * countPipelineRuns: how many of a review's pipelines have ended.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** The number of stored runs of review `reviewId`. */
export async function countPipelineRuns(db: Kysely<Tables>, reviewId: number): Promise<number> {
  const done = await sql<{ count: number }>`
    select count(*) as count from pipeline_runs where review_id = ${reviewId}`.execute(db);
  return Number(done.rows[0].count);
}
