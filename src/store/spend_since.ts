/**
 * spendSince: USD spent on models since a time, by the whole server or one repository — what a
 * budget is checked against.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import { utcDay } from "./llm_usage.ts";

/**
 * USD of priced calls at or after `since` (epoch ms), of `repository` (full name, any platform)
 * when given; 0 when nothing priced was spent (a budget counts only what it can price).
 */
export async function spendSince(
  db: Kysely<Tables>,
  since: number,
  repository?: string,
): Promise<number> {
  const scope = repository === undefined ? sql`` : sql`and repository = ${repository}`;
  const row = await sql<{ usd: number | string | null }>`
    select sum(cost_usd) as usd from llm_usage
    where day >= ${utcDay(since)} and created_at >= ${since} ${scope}`.execute(db);
  return Number(row.rows[0]?.usd ?? 0);
}
