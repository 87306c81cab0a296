/**
 * listRepositories and getRepository: the repositories Loom has heard from, each with its
 * review count, its inline findings by severity and how many of its pull requests are paused,
 * for the dashboard's Repositories page. Pages are keyset-paginated by id; each count reads an
 * index (`reviews_repository`, `comments_pr`, the pauses' primary key).
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
  const repositories = await Promise.all(page.map((r) => withStats(db, r)));
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
  const rows = await sql<
    { id: number; platform: string; full_name: string; last_event_at: number }
  >`
    select id, platform, full_name, last_event_at from repositories where id = ${id}`.execute(db);
  return rows.rows[0] ? await withStats(db, rows.rows[0]) : null;
}

async function withStats(
  db: Kysely<Tables>,
  r: { id: number; platform: string; full_name: string; last_event_at: number },
): Promise<RepositorySummary> {
  const repo = sql`platform = ${r.platform} and repository = ${r.full_name}`;
  // The reviews index leads with repository; the platform check is a filter on its hits.
  const [reviews, findings, paused] = await Promise.all([
    sql<{ n: number }>`select count(*) as n from reviews where repository = ${r.full_name}
      and platform = ${r.platform}`.execute(db),
    sql<{ severity: string | null; n: number }>`select severity, count(*) as n from comments
      where ${repo} and kind = 'inline' group by severity`.execute(db),
    sql<{ n: number }>`select count(*) as n from pull_request_pauses
      where ${repo} and paused_at is not null`.execute(db),
  ]);
  const bySeverity: Record<string, number> = {};
  for (const f of findings.rows) bySeverity[f.severity ?? "unknown"] = Number(f.n);
  return {
    id: Number(r.id),
    platform: r.platform,
    fullName: r.full_name,
    lastEventAt: Number(r.last_event_at),
    reviews: Number(reviews.rows[0]?.n ?? 0),
    findings: bySeverity,
    paused: Number(paused.rows[0]?.n ?? 0),
  };
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
