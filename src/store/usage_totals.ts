/**
 * usageTotals: model usage since a time, summed by repository, model, day, or day and model.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import { type RawTotals, TOTALS_SQL, toTotals, type UsageTotals, utcDay } from "./llm_usage.ts";

/** What usage is summed by. */
export type UsageGroup = "repository" | "model" | "day" | "day_model";

/** Options of {@link usageTotals}. */
export interface UsageTotalsOptions {
  groupBy: UsageGroup;
  /** Epoch ms: usage at or after it. */
  since: number;
  /** Most groups returned (default 100, at most 1000); the costliest first, days in order. */
  limit?: number;
}

/** One group's sums; the keys it is grouped by are set. */
export interface UsageGroupTotals extends UsageTotals {
  repository?: string;
  model?: string;
  day?: string;
}

const COLUMNS: Record<UsageGroup, string[]> = {
  repository: ["repository"],
  model: ["model"],
  day: ["day"],
  day_model: ["day", "model"],
};

/** See the module doc. */
export async function usageTotals(
  db: Kysely<Tables>,
  options: UsageTotalsOptions,
): Promise<UsageGroupTotals[]> {
  const columns = COLUMNS[options.groupBy];
  const limit = Math.min(Math.max(1, options.limit ?? 100), 1000);
  const keys = sql.raw(columns.join(", "));
  // Days read in order (a chart); other groups costliest first, then by tokens for unpriced ones.
  const order = options.groupBy.startsWith("day") ? sql.raw(columns.join(", ")) : sql.raw(
    "coalesce(sum(cost_usd), 0) desc, sum(prompt_tokens) + sum(completion_tokens) desc, " +
      columns.join(", "),
  );
  // `day` first: its index serves the time bound; `created_at` trims the first day.
  const rows = await sql<RawTotals & Record<string, string>>`
    select ${keys}, ${sql.raw(TOTALS_SQL)} from llm_usage
    where day >= ${utcDay(options.since)} and created_at >= ${options.since}
    group by ${keys} order by ${order} limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    ...Object.fromEntries(columns.map((c) => [c, r[c]])),
    ...toTotals(r),
  }));
}
