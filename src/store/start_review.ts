/**
 * startReview: the review row of a `review` job, created on its first attempt.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** What a new review row records. */
export interface NewReview {
  repo: { platform: string; fullName: string };
  pr: number;
  headSha: string;
  baseSha: string;
  prTitle: string;
  /** What asked for it: opened, new_commits, reopened, ready, or command. */
  trigger: string;
  /** The `review` job; a retry of it finds its row again instead of adding one. */
  jobId: number;
  now: number;
}

/** Returns the id of job `review.jobId`'s review, inserting it (status `running`) when new. */
export async function startReview(db: Kysely<Tables>, review: NewReview): Promise<number> {
  const existing = await sql<{ id: number }>`select id from reviews where job_id = ${review.jobId}`
    .execute(db);
  if (existing.rows[0]) return Number(existing.rows[0].id);
  const inserted = await sql<{ id: number }>`
    insert into reviews (platform, repository, pr_number, head_sha, base_sha, status, trigger,
                         job_id, pr_title, created_at)
    values (${review.repo.platform}, ${review.repo.fullName}, ${review.pr}, ${review.headSha},
            ${review.baseSha}, 'running', ${review.trigger}, ${review.jobId}, ${review.prTitle},
            ${review.now})
    returning id`.execute(db);
  return Number(inserted.rows[0].id);
}
