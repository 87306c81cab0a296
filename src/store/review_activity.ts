/**
 * reviewActivity: what the dashboard's Overview charts — reviews and failures per hour over the
 * last day and tokens per day over the last week (spend by model is `usageTotals`, from
 * `llm_usage`).
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One hour of the last 24: when it starts (epoch ms), reviews started in it, of which failed. */
export interface HourActivity {
  start: number;
  reviews: number;
  failed: number;
}

/** One UTC day of the last 7: when it starts, reviews started and their tokens. */
export interface DayActivity {
  start: number;
  reviews: number;
  promptTokens: number;
  completionTokens: number;
}

/** The Overview's activity; every list is oldest first with empty buckets filled with zeros. */
export interface ReviewActivity {
  hours: HourActivity[];
  days: DayActivity[];
}

/**
 * Reads the activity around `now` (epoch ms) in two grouped statements: each returns at most
 * 24 or 7 rows, whatever the store holds. (`group by 1`: PostgreSQL would see the bucket
 * expression's parameters in the select list and in the group by as different expressions. The
 * cast: libSQL binds a JavaScript number as a real, and the division would not truncate.)
 */
export async function reviewActivity(db: Kysely<Tables>, now: number): Promise<ReviewActivity> {
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
  const firstDay = Math.floor(now / DAY_MS) * DAY_MS - 6 * DAY_MS;
  const [hourRows, dayRows] = await Promise.all([
    sql<{ bucket: number; reviews: number; failed: number }>`
      select cast((created_at - ${firstHour}) / ${HOUR_MS} as integer) as bucket, count(*) as reviews,
        sum(case when status = 'failed' then 1 else 0 end) as failed
      from reviews where created_at >= ${firstHour}
      group by 1`.execute(db),
    sql<{ bucket: number; reviews: number; prompt: number; completion: number }>`
      select cast((created_at - ${firstDay}) / ${DAY_MS} as integer) as bucket, count(*) as reviews,
        sum(prompt_tokens) as prompt, sum(completion_tokens) as completion
      from reviews where created_at >= ${firstDay}
      group by 1`.execute(db),
  ]);
  const hours = Array.from({ length: 24 }, (_, i) => ({
    start: firstHour + i * HOUR_MS,
    reviews: 0,
    failed: 0,
  }));
  for (const row of hourRows.rows) {
    const hour = hours[Number(row.bucket)];
    if (!hour) continue; // created in the future (a clock step): not in the last day
    hour.reviews = Number(row.reviews);
    hour.failed = Number(row.failed);
  }
  const days = Array.from({ length: 7 }, (_, i) => ({
    start: firstDay + i * DAY_MS,
    reviews: 0,
    promptTokens: 0,
    completionTokens: 0,
  }));
  for (const row of dayRows.rows) {
    const day = days[Number(row.bucket)];
    if (!day) continue;
    day.reviews = Number(row.reviews);
    day.promptTokens = Number(row.prompt);
    day.completionTokens = Number(row.completion);
  }
  return { hours, days };
}
