/**
 * recordRepositoryConfig and getRepositoryConfig: the `.loom/config.yaml` the last review of a
 * repository read, with its validation errors, so the dashboard shows the config in effect as
 * the review flow saw it (not a fresh read from the platform, which could differ and costs a
 * call per page view).
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import type { ConfigError } from "../repo_config/mod.ts";

/** Largest config text kept, in characters; the server's own cap on config files is smaller. */
export const MAX_CONFIG_CHARS = 256_000;

/** What a review read of a repository's config. */
export interface RepositoryConfigRecord {
  platform: string;
  repository: string;
  /** The branch or sha it was read at. */
  ref: string;
  /** Null when the repository has no config file: the server's default applies. */
  text: string | null;
  errors: ConfigError[];
  readAt: number;
}

/** Replaces the repository's recorded config read. */
export async function recordRepositoryConfig(
  db: Kysely<Tables>,
  read: RepositoryConfigRecord,
): Promise<void> {
  const text = read.text === null ? null : read.text.slice(0, MAX_CONFIG_CHARS);
  const errors = JSON.stringify(read.errors.slice(0, 200));
  await sql`insert into repository_configs (platform, repository, ref, text, errors, read_at)
    values (${read.platform}, ${read.repository}, ${read.ref}, ${text}, ${errors}, ${read.readAt})
    on conflict (platform, repository) do update set ref = excluded.ref, text = excluded.text,
      errors = excluded.errors, read_at = excluded.read_at`.execute(db);
}

/** The repository's last config read, or null when no review read one yet. */
export async function getRepositoryConfig(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
): Promise<RepositoryConfigRecord | null> {
  const rows = await sql<{ ref: string; text: string | null; errors: string; read_at: number }>`
    select ref, text, errors, read_at from repository_configs
    where platform = ${repo.platform} and repository = ${repo.fullName}`.execute(db);
  const r = rows.rows[0];
  if (!r) return null;
  return {
    platform: repo.platform,
    repository: repo.fullName,
    ref: r.ref,
    text: r.text,
    // Written by recordRepositoryConfig from the same type: the store trusts its own JSON.
    errors: JSON.parse(r.errors),
    readAt: Number(r.read_at),
  };
}
