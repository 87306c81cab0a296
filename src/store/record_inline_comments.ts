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
}

/** Where the comments were posted. */
export interface CommentPlace {
  reviewId: number;
  repo: { platform: string; fullName: string };
  pr: number;
  headSha: string;
}

/** Records `comments` on the pull request; a fingerprint already recorded is left alone. */
export async function recordInlineComments(
  db: Kysely<Tables>,
  place: CommentPlace,
  comments: readonly PostedInline[],
  now: number,
): Promise<void> {
  for (const c of comments) {
    await sql`
      insert into comments (review_id, platform, repository, pr_number, kind, fingerprint,
                            external_id, path, line, head_sha, created_at)
      values (${place.reviewId}, ${place.repo.platform}, ${place.repo.fullName}, ${place.pr},
              'inline', ${c.fingerprint}, ${c.id}, ${c.path ?? null}, ${c.line ?? null},
              ${place.headSha}, ${now})
      on conflict (platform, repository, pr_number, fingerprint) do nothing`.execute(db);
  }
}
