/**
 * recordPullRequestState: what the platform last said of a pull request, open or closed, which
 * decides how long its reviews, findings and comments are kept (see `prune_closed_reviews.ts`).
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/**
 * Upserts the pull request's state as the platform answered it (a merged one is `closed`). A
 * pull request closed again keeps the time it was first seen closed; reopened, it has none.
 */
export async function recordPullRequestState(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
  pr: number,
  state: "open" | "closed",
  now: number,
): Promise<void> {
  const closedAt = state === "closed" ? now : null;
  await sql`
    insert into pull_requests (platform, repository, pr_number, state, closed_at, updated_at)
    values (${repo.platform}, ${repo.fullName}, ${pr}, ${state}, ${closedAt}, ${now})
    on conflict (platform, repository, pr_number) do update set
      state = excluded.state, updated_at = excluded.updated_at,
      closed_at = case when excluded.state = 'closed'
                       then coalesce(pull_requests.closed_at, excluded.closed_at) end`.execute(db);
}
