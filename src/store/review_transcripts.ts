/**
 * saveTranscripts and listTranscripts: the exact prompt and raw answer of each model call a
 * pipeline made, kept for debugging a review on the dashboard. Each text is capped here, where
 * it is stored, so no caller can fill the store with one huge answer; a cut text says so.
 * @module
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type { ReviewTranscriptsTable, Tables } from "../db/mod.ts";
import type { ModelCallTranscript } from "../llm/mod.ts";
import { nullableNumber } from "./review_row.ts";

/** One model call of a pipeline run, as it went over the wire (already redacted). */
export type TranscriptRecord = ModelCallTranscript;

/** Largest request or response text kept per call, in characters. */
export const MAX_TRANSCRIPT_CHARS = 64_000;
/** Calls kept per pipeline run: a run of many calls keeps its first ones. */
export const MAX_TRANSCRIPT_CALLS = 50;

/** `text` cut to {@link MAX_TRANSCRIPT_CHARS}, saying how much was left out. */
function capTranscriptText(text: string): string {
  if (text.length <= MAX_TRANSCRIPT_CHARS) return text;
  const cut = text.length - MAX_TRANSCRIPT_CHARS;
  return `${text.slice(0, MAX_TRANSCRIPT_CHARS)}\n… [${cut} more characters not kept]`;
}

/**
 * Replaces the transcripts of review `reviewId`'s pipeline `pipeline` with `calls` (a retried
 * pipeline's last run is the one shown), each text capped, at most
 * {@link MAX_TRANSCRIPT_CALLS} calls.
 */
export async function saveTranscripts(
  db: Kysely<Tables>,
  reviewId: number,
  pipeline: string,
  calls: readonly TranscriptRecord[],
  now: number,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`delete from review_transcripts where review_id = ${reviewId}
      and pipeline = ${pipeline}`.execute(tx);
    const kept = calls.slice(0, MAX_TRANSCRIPT_CALLS);
    if (kept.length === 0) return;
    await sql`insert into review_transcripts (review_id, pipeline, seq, model, request, response,
                                              status, duration_ms, created_at)
      values ${
      sql.join(kept.map((c) =>
        sql`(${reviewId}, ${pipeline}, ${c.seq}, ${c.model}, ${capTranscriptText(c.request)},
             ${capTranscriptText(c.response)}, ${c.status}, ${Math.round(c.durationMs)}, ${now})`
      ))
    }`.execute(tx);
  });
}

/** Review `reviewId`'s transcripts by pipeline name, each in call order. */
export async function listTranscripts(
  db: Kysely<Tables>,
  reviewId: number,
): Promise<Record<string, TranscriptRecord[]>> {
  const rows = await sql<
    Omit<Selectable<ReviewTranscriptsTable>, "id" | "review_id" | "created_at">
  >`select pipeline, seq, model, request, response, status, duration_ms
    from review_transcripts where review_id = ${reviewId}
    order by pipeline, seq limit ${MAX_TRANSCRIPT_CALLS * 20}`.execute(db);
  const byPipeline: Record<string, TranscriptRecord[]> = {};
  for (const r of rows.rows) {
    (byPipeline[r.pipeline] ??= []).push({
      seq: Number(r.seq),
      model: r.model,
      request: r.request,
      response: r.response,
      status: nullableNumber(r.status),
      durationMs: Number(r.duration_ms),
    });
  }
  return byPipeline;
}
