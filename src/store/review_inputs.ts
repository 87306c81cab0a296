/**
 * saveReviewInputs, loadReviewInputs: what a review's jobs share, stored once on its row (the
 * diff, the resolved config and the prompt templates), so no job depends on another's memory.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** Stores `inputs` (any JSON value) on review `reviewId`. */
export async function saveReviewInputs(
  db: Kysely<Tables>,
  reviewId: number,
  inputs: unknown,
): Promise<void> {
  await sql`update reviews set inputs = ${JSON.stringify(inputs)} where id = ${reviewId}`
    .execute(db);
}

/** The inputs stored on review `reviewId`, parsed; null when it has none. */
export async function loadReviewInputs(db: Kysely<Tables>, reviewId: number): Promise<unknown> {
  const row = await sql<
    { inputs: string | null }
  >`select inputs from reviews where id = ${reviewId}`
    .execute(db);
  const text = row.rows[0]?.inputs;
  return text ? JSON.parse(text) : null;
}
