/**
 * listRepositories and getRepository: the repositories Loom has heard from, each with its
 * review count, its inline findings by severity and how many of its pull requests are paused,
 * for the dashboard's Repositories page. Pages are keyset-paginated by id; the counts of a page
 * are three grouped statements reading indexes that lead with the repository
 * (`reviews_repository`, `comments_repository`; pauses are few).
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** One repository and what Loom did on it. */
export interface RepositorySummary {
  id: number;
  platform: string;
  fullName: string;
  lastEventAt: number;
  reviews: number;
  /** Inline findings posted, by severity (`blocker`, `warning`, `info`). */
  findings: Record<string, number>;
  /** Pull requests paused now. */
  paused: number;
}

/** One page of repositories, most recently active first by id, and the next page's cursor. */
export interface RepositoryPage {
  repositories: RepositorySummary[];
  nextCursor: number | null;
}

/** Repositories with an id under `cursor` (all when unset), newest first. */
export async function listRepositories(
  db: Kysely<Tables>,
  options: { cursor?: number; limit?: number } = {},
): Promise<RepositoryPage> {
  const limit = options.limit ?? 50;
  const rows = await sql<
    { id: number; platform: string; full_name: string; last_event_at: number }
  >`
    select id, platform, full_name, last_event_at from repositories
    ${options.cursor ? sql`where id < ${options.cursor}` : sql``}
    order by id desc limit ${limit + 1}`.execute(db);
  const page = rows.rows.slice(0, limit);
  const repositories = await withStats(db, page);
  return {
    repositories,
    nextCursor: rows.rows.length > limit ? repositories[repositories.length - 1].id : null,
  };
}

/** Repository `id` with its counts, or null. */
export async function getRepository(
  db: Kysely<Tables>,
  id: number,
): Promise<RepositorySummary | null> {
  const rows = await sql<RepositoryRow>`
    select id, platform, full_name, last_event_at from repositories where id = ${id}`.execute(db);
  return rows.rows[0] ? (await withStats(db, rows.rows))[0] : null;
}

type RepositoryRow = { id: number; platform: string; full_name: string; last_event_at: number };

/**
 * The counts of a page of repositories in three grouped statements (not three per repository):
 * each reads only the page's repositories through an index leading with `repository`.
 */
async function withStats(
  db: Kysely<Tables>,
  repos: readonly RepositoryRow[],
): Promise<RepositorySummary[]> {
  if (repos.length === 0) return [];
  const names = sql.join([...new Set(repos.map((r) => r.full_name))].map((n) => sql`${n}`));
  const [reviews, findings, paused] = await Promise.all([
    sql<{ platform: string; repository: string; n: number }>`
      select platform, repository, count(*) as n from reviews where repository in (${names})
      group by platform, repository`.execute(db),
    sql<{ platform: string; repository: string; severity: string | null; n: number }>`
      select platform, repository, severity, count(*) as n from comments
      where repository in (${names}) and kind = 'inline'
      group by platform, repository, severity`.execute(db),
    sql<{ platform: string; repository: string; n: number }>`
      select platform, repository, count(*) as n from pull_request_pauses
      where repository in (${names}) and paused_at is not null
      group by platform, repository`.execute(db),
  ]);
  const key = (platform: string, repository: string) => `${platform}\n${repository}`;
  const count = (rows: { platform: string; repository: string; n: number }[]) =>
    new Map(rows.map((r) => [key(r.platform, r.repository), Number(r.n)]));
  const reviewCounts = count(reviews.rows);
  const pausedCounts = count(paused.rows);
  const bySeverity = new Map<string, Record<string, number>>();
  for (const f of findings.rows) {
    const k = key(f.platform, f.repository);
    const entry = bySeverity.get(k) ?? {};
    entry[f.severity ?? "unknown"] = Number(f.n);
    bySeverity.set(k, entry);
  }
  return repos.map((r) => {
    const k = key(r.platform, r.full_name);
    return {
      id: Number(r.id),
      platform: r.platform,
      fullName: r.full_name,
      lastEventAt: Number(r.last_event_at),
      reviews: reviewCounts.get(k) ?? 0,
      findings: bySeverity.get(k) ?? {},
      paused: pausedCounts.get(k) ?? 0,
    };
  });
}

/** A pull request Loom is paused on. */
export interface PausedPullRequest {
  pr: number;
  at: number;
  /** Null when Loom paused itself (`review.auto_pause_after`). */
  by: string | null;
  reason: string;
}

/** The repository's paused pull requests, most recently paused first (at most 100). */
export async function listPausedPullRequests(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
): Promise<PausedPullRequest[]> {
  const rows = await sql<
    { pr_number: number; paused_at: number; paused_by: string | null; reason: string | null }
  >`select pr_number, paused_at, paused_by, reason from pull_request_pauses
    where platform = ${repo.platform} and repository = ${repo.fullName}
      and paused_at is not null
    order by paused_at desc limit 100`.execute(db);
  return rows.rows.map((r) => ({
    pr: Number(r.pr_number),
    at: Number(r.paused_at),
    by: r.paused_by,
    reason: r.reason ?? "",
  }));
}
