/**
 * recordInlineComments: remembers inline comments Loom posted, so none is ever posted twice.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** One inline comment as it landed on the platform. */
export interface PostedInline {
  /** The platform's id of the comment. */
  id: string;
  fingerprint: string;
  path?: string;
  line?: number;
  /** The finding behind it, where the caller knows it: its range and what it says. */
  finding?: {
    startLine: number;
    line: number;
    severity: string;
    title: string;
    pipeline: string;
  };
}

/** Where the comments were posted. */
export interface CommentPlace {
  reviewId: number;
  repo: { platform: string; fullName: string };
  pr: number;
  headSha: string;
}

/**
 * Records `comments` on the pull request, each `open`; a fingerprint already recorded is left
 * alone. A comment's lines are the finding's where it is given (the range the finding covers),
 * else what the platform said.
 */
export async function recordInlineComments(
  db: Kysely<Tables>,
  place: CommentPlace,
  comments: readonly PostedInline[],
  now: number,
): Promise<void> {
  for (const c of comments) {
    const f = c.finding;
    const line = f?.line ?? c.line ?? null;
    await sql`
      insert into comments (review_id, platform, repository, pr_number, kind, fingerprint,
                            external_id, path, line, head_sha, created_at, start_line, severity,
                            title, pipeline)
      values (${place.reviewId}, ${place.repo.platform}, ${place.repo.fullName}, ${place.pr},
              'inline', ${c.fingerprint}, ${c.id}, ${c.path ?? null}, ${line},
              ${place.headSha}, ${now}, ${f?.startLine ?? line}, ${f?.severity ?? null},
              ${f?.title ?? null}, ${f?.pipeline ?? null})
      on conflict (platform, repository, pr_number, fingerprint) do nothing`.execute(db);
  }
}
