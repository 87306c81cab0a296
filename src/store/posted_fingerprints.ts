/**
 * postedFingerprints: the findings already posted inline on a pull request, on any head.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** The fingerprints of every inline comment recorded on the pull request. */
export async function postedFingerprints(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
  pr: number,
): Promise<string[]> {
  const rows = await sql<{ fingerprint: string }>`
    select fingerprint from comments where platform = ${repo.platform}
      and repository = ${repo.fullName} and pr_number = ${pr} and kind = 'inline'
  `.execute(db);
  return rows.rows.map((r) => r.fingerprint);
}
