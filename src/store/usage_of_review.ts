/**
 * usageOfReview: what one review's model calls spent, by pipeline, model and kind of call.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import { type RawTotals, TOTALS_SQL, toTotals, type UsageTotals } from "./llm_usage.ts";

/** One pipeline's spend on one model. */
export interface ReviewUsage extends UsageTotals {
  pipeline: string;
  endpoint: string;
  model: string;
  kind: string;
}

/** The review's usage rows summed by pipeline, endpoint, model and kind, in that order. */
export async function usageOfReview(
  db: Kysely<Tables>,
  reviewId: number,
): Promise<ReviewUsage[]> {
  // Bounded by the review's pipelines and their models (the config's caps), not by the caller.
  const rows = await sql<
    RawTotals & { pipeline: string; endpoint: string; model: string; kind: string }
  >`
    select pipeline, endpoint, model, kind, ${sql.raw(TOTALS_SQL)} from llm_usage
    where review_id = ${reviewId}
    group by pipeline, endpoint, model, kind order by pipeline, endpoint, model, kind`
    .execute(db);
  return rows.rows.map((r) => ({
    pipeline: r.pipeline,
    endpoint: r.endpoint,
    model: r.model,
    kind: r.kind,
    ...toTotals(r),
  }));
}
