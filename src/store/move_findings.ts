/**
 * moveFindings: renumbers open findings onto a newer head, as the push between moved their lines.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** Where an open finding's lines are on `headSha`. */
export interface FindingPlace {
  fingerprint: string;
  path: string;
  startLine: number;
  line: number;
  headSha: string;
}

/** Moves each of `places`' findings (when still open) to its new path, lines and head. */
export async function moveFindings(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
  pr: number,
  places: readonly FindingPlace[],
): Promise<void> {
  for (const p of places) {
    await sql`
      update comments set path = ${p.path}, start_line = ${p.startLine}, line = ${p.line},
                          head_sha = ${p.headSha}
      where platform = ${repo.platform} and repository = ${repo.fullName} and pr_number = ${pr}
        and kind = 'inline' and fingerprint = ${p.fingerprint} and state = 'open'`.execute(db);
  }
}
