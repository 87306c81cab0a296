/**
 * setFindingState: moves open findings of a pull request to another state, saying when and who.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { FindingState, Tables } from "../db/mod.ts";

/** One finding's new state. */
export interface FindingStateChange {
  fingerprint: string;
  state: Exclude<FindingState, "open">;
  /** A person's name as the platform gives it, or `loom`. */
  by: string;
}

/**
 * Applies `changes` to findings that are still `open` (a finding someone dismissed meanwhile is
 * left as they left it); returns the fingerprints that changed.
 */
export async function setFindingState(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
  pr: number,
  changes: readonly FindingStateChange[],
  now: number,
): Promise<string[]> {
  const changed: string[] = [];
  for (const c of changes) {
    const result = await sql<{ fingerprint: string }>`
      update comments set state = ${c.state}, state_at = ${now}, state_by = ${c.by}
      where platform = ${repo.platform} and repository = ${repo.fullName} and pr_number = ${pr}
        and kind = 'inline' and fingerprint = ${c.fingerprint} and state = 'open'
      returning fingerprint`.execute(db);
    if (result.rows.length > 0) changed.push(c.fingerprint);
  }
  return changed;
}
