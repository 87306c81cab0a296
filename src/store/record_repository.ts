/**
 * recordRepository: adds a repository to the directory of who talks to Loom, or touches it.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** Inserts the repository, or moves its `last_event_at` to `now`. */
export async function recordRepository(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
  now: number,
): Promise<void> {
  await sql`
    insert into repositories (platform, full_name, created_at, last_event_at)
    values (${repo.platform}, ${repo.fullName}, ${now}, ${now})
    on conflict (platform, full_name) do update set last_event_at = ${now}`.execute(db);
}
