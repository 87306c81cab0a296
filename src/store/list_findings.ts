/**
 * listFindings: the findings Loom posted inline on a pull request, with their states.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { FindingState, Tables } from "../db/mod.ts";
import type { Severity } from "../findings/mod.ts";
import { nullableNumber } from "./review_row.ts";

/** One finding Loom posted inline, and where it stands. */
export interface FindingRecord {
  fingerprint: string;
  /** The platform's id of its comment. */
  commentId: string | null;
  path: string | null;
  /** First line of its range, at `headSha`. */
  startLine: number | null;
  /** Last (or only) line, at `headSha`. */
  line: number | null;
  /** The head its lines are numbered on. */
  headSha: string;
  severity: Severity | null;
  title: string | null;
  pipeline: string | null;
  state: FindingState;
  stateAt: number | null;
  stateBy: string | null;
  reviewId: number | null;
}

/** The pull request's inline findings, oldest first. */
export async function listFindings(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
  pr: number,
): Promise<FindingRecord[]> {
  const rows = await sql<{
    fingerprint: string;
    external_id: string | null;
    path: string | null;
    start_line: number | null;
    line: number | null;
    head_sha: string;
    severity: Severity | null;
    title: string | null;
    pipeline: string | null;
    state: FindingState;
    state_at: number | null;
    state_by: string | null;
    review_id: number | null;
  }>`
    select fingerprint, external_id, path, start_line, line, head_sha, severity, title, pipeline,
           state, state_at, state_by, review_id
    from comments where platform = ${repo.platform} and repository = ${repo.fullName}
      and pr_number = ${pr} and kind = 'inline'
    order by id`.execute(db);
  return rows.rows.map((r) => ({
    fingerprint: r.fingerprint,
    commentId: r.external_id,
    path: r.path,
    startLine: nullableNumber(r.start_line),
    line: nullableNumber(r.line),
    headSha: r.head_sha,
    severity: r.severity,
    title: r.title,
    pipeline: r.pipeline,
    state: r.state,
    stateAt: nullableNumber(r.state_at),
    stateBy: r.state_by,
    reviewId: nullableNumber(r.review_id),
  }));
}
