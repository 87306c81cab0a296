/**
 * recordLlmUsage: stores what model requests spent, one row each.
 * @module
 */
import type { Kysely } from "kysely";
import type { Tables } from "../db/mod.ts";
import { type UsageRecord, utcDay } from "./llm_usage.ts";

/** Inserts `rows` in one statement; nothing for none. */
export async function recordLlmUsage(
  db: Kysely<Tables>,
  rows: readonly UsageRecord[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto("llm_usage").values(rows.map((r) => ({
    review_id: r.reviewId,
    platform: r.platform,
    repository: r.repository,
    pipeline: r.pipeline,
    endpoint: r.endpoint,
    model: r.model,
    kind: r.kind,
    calls: r.calls,
    prompt_tokens: r.promptTokens,
    cached_tokens: r.cachedTokens,
    completion_tokens: r.completionTokens,
    cost_usd: r.costUsd,
    day: utcDay(r.at),
    created_at: r.at,
  }))).execute();
}
