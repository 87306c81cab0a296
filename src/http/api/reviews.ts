/**
 * The admin API's reviews: what Loom reviewed, found, posted, and what it cost.
 * @module
 */
import { Hono } from "hono";
import { sql } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/mod.ts";
import { iso } from "./iso.ts";

const listQuery = z.object({
  platform: z.string().min(1).optional(),
  repository: z.string().min(1).optional(),
  pr: z.coerce.number().int().positive().optional(),
  status: z.enum(["running", "succeeded", "failed", "skipped", "cancelled"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.coerce.number().int().positive().optional(),
}).strict();

// deno-lint-ignore no-explicit-any
function reviewJson(r: any) {
  return {
    id: Number(r.id),
    platform: r.platform,
    repository: r.repository,
    pr: Number(r.pr_number),
    pr_title: r.pr_title,
    head_sha: r.head_sha,
    base_sha: r.base_sha,
    status: r.status,
    trigger: r.trigger,
    job_id: r.job_id === null ? null : Number(r.job_id),
    findings: Number(r.findings),
    blockers: Number(r.blockers),
    tokens: { prompt: Number(r.prompt_tokens), completion: Number(r.completion_tokens) },
    llm_calls: Number(r.llm_calls),
    duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
    summary_comment_id: r.summary_comment_id,
    error: r.error,
    created_at: iso(r.created_at),
    finished_at: iso(r.finished_at),
  };
}

/** Routes mounted under `/api/reviews`. */
export function reviewsApi(store: Database): Hono {
  const app = new Hono();
  const columns = sql`id, platform, repository, pr_number, pr_title, head_sha, base_sha, status,
    trigger, job_id, findings, blockers, prompt_tokens, completion_tokens, llm_calls,
    duration_ms, summary_comment_id, error, created_at, finished_at`;

  app.get("/", async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) {
      return c.json({ error: "bad query", issues: z.flattenError(parsed.error).fieldErrors }, 400);
    }
    const q = parsed.data;
    const limit = q.limit ?? 50;
    const where = [
      q.platform ? sql`platform = ${q.platform}` : null,
      q.repository ? sql`repository = ${q.repository}` : null,
      q.pr ? sql`pr_number = ${q.pr}` : null,
      q.status ? sql`status = ${q.status}` : null,
      q.cursor ? sql`id < ${q.cursor}` : null,
    ].filter((w) => w !== null);
    const rows = await sql`select ${columns} from reviews
      ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
      order by id desc limit ${limit + 1}`.execute(store.db);
    const reviews = rows.rows.slice(0, limit).map(reviewJson);
    return c.json({
      reviews,
      next_cursor: rows.rows.length > limit ? reviews[reviews.length - 1].id : null,
    });
  });

  app.get("/:id", async (c) => {
    const id = z.coerce.number().int().positive().safeParse(c.req.param("id"));
    if (!id.success) return c.json({ error: "review id must be a positive integer" }, 400);
    const row = await sql`select ${columns}, summary from reviews where id = ${id.data}`
      .execute(store.db);
    if (!row.rows[0]) return c.json({ error: `no review ${id.data}` }, 404);
    const pipelines = await sql<Record<string, unknown>>`
      select pipeline, model, status, findings, prompt_tokens, completion_tokens, llm_calls,
        duration_ms, error from pipeline_runs where review_id = ${id.data} order by pipeline`
      .execute(store.db);
    const comments = await sql<Record<string, unknown>>`
      select kind, fingerprint, external_id, path, line, head_sha, created_at from comments
      where review_id = ${id.data} order by id`.execute(store.db);
    return c.json({
      ...reviewJson(row.rows[0]),
      summary: (row.rows[0] as { summary: string | null }).summary,
      pipelines: pipelines.rows.map((p) => ({
        name: p.pipeline,
        model: p.model,
        status: p.status,
        findings: JSON.parse(String(p.findings)).findings,
        tokens: { prompt: Number(p.prompt_tokens), completion: Number(p.completion_tokens) },
        llm_calls: Number(p.llm_calls),
        duration_ms: p.duration_ms === null ? null : Number(p.duration_ms),
        error: p.error,
      })),
      comments: comments.rows.map((m) => ({
        kind: m.kind,
        fingerprint: m.fingerprint,
        id: m.external_id,
        path: m.path,
        line: m.line === null ? null : Number(m.line),
        head_sha: m.head_sha,
        created_at: iso(m.created_at as number),
      })),
    });
  });
  return app;
}
