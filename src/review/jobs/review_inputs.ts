/**
 * The inputs a review's jobs share, stored once on the review row: the diff, the resolved config
 * and the prompt templates. Each pipeline and the publish job rebuild the same plan from them
 * (planning is pure and takes milliseconds), so no job depends on another's memory.
 * @module
 */
import { sql } from "kysely";
import type { Database } from "../../db/mod.ts";
import type { RepoConfig } from "../../repo_config/mod.ts";
import { type ChangeContext, planReview, type ReviewPlan } from "../plan.ts";

/** See the module doc. */
export interface ReviewInputs {
  diff: string;
  config: RepoConfig;
  templates: Record<string, string>;
  change: ChangeContext;
}

/** Stores `inputs` on review `reviewId`. */
export async function saveReviewInputs(store: Database, reviewId: number, inputs: ReviewInputs) {
  await sql`update reviews set inputs = ${JSON.stringify(inputs)} where id = ${reviewId}`
    .execute(store.db);
}

/** The inputs and the plan of review `reviewId`; throws when the review has none. */
export async function loadReviewPlan(
  store: Database,
  reviewId: number,
): Promise<{ inputs: ReviewInputs; plan: ReviewPlan }> {
  const row = await sql<
    { inputs: string | null }
  >`select inputs from reviews where id = ${reviewId}`
    .execute(store.db);
  const text = row.rows[0]?.inputs;
  if (!text) throw new Error(`review ${reviewId} has no stored inputs`);
  const inputs = JSON.parse(text) as ReviewInputs;
  return { inputs, plan: planReview(inputs) };
}
