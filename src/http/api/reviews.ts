/**
 * The admin API's reviews: what Loom reviewed, found, posted, and what it cost.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ReviewRecord, ReviewStore } from "../../store/mod.ts";
import { iso } from "./iso.ts";
import { listQuery } from "./list_query.ts";

const reviewsQuery = z.object({
  platform: z.string().min(1).optional(),
  repository: z.string().min(1).optional(),
  pr: z.coerce.number().int().positive().optional(),
  status: z.enum(["running", "succeeded", "failed", "skipped", "cancelled"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.coerce.number().int().positive().optional(),
}).strict();

function reviewJson(r: ReviewRecord) {
  return {
    id: r.id,
    platform: r.platform,
    repository: r.repository,
    pr: r.pr_number,
    pr_title: r.pr_title,
    head_sha: r.head_sha,
    base_sha: r.base_sha,
    status: r.status,
    trigger: r.trigger,
    job_id: r.job_id,
    findings: r.findings,
    blockers: r.blockers,
    tokens: { prompt: r.prompt_tokens, completion: r.completion_tokens },
    llm_calls: r.llm_calls,
    duration_ms: r.duration_ms,
    summary_comment_id: r.summary_comment_id,
    error: r.error,
    created_at: iso(r.created_at),
    finished_at: iso(r.finished_at),
  };
}

/** Routes mounted under `/api/reviews`. */
export function reviewsApi(store: ReviewStore): Hono {
  const app = new Hono();

  app.get("/", async (c) => {
    const { query, refused } = listQuery(c, reviewsQuery);
    if (refused) return refused;
    const page = await store.listReviews(query);
    return c.json({ reviews: page.reviews.map(reviewJson), next_cursor: page.nextCursor });
  });

  app.get("/:id", async (c) => {
    const id = z.coerce.number().int().positive().safeParse(c.req.param("id"));
    if (!id.success) return c.json({ error: "review id must be a positive integer" }, 400);
    const review = await store.getReview(id.data);
    if (!review) return c.json({ error: `no review ${id.data}` }, 404);
    const pipelines = await store.listPipelineRuns(id.data);
    const comments = await store.listReviewComments(id.data);
    const usage = await store.usageOfReview(id.data);
    const priced = usage.filter((u) => u.costUsd !== null);
    return c.json({
      ...reviewJson(review),
      summary: review.summary,
      pipelines: pipelines.map((p) => ({
        name: p.pipeline,
        model: p.model,
        status: p.status,
        // Findings the second look dropped are among them, marked `dropped: true` with `score`.
        findings: p.findings,
        answered_by: p.answeredBy ?? [],
        model_failures: p.modelFailures ?? [],
        verification: p.verification ?? null,
        tokens: { prompt: p.promptTokens, completion: p.completionTokens },
        llm_calls: p.llmCalls,
        duration_ms: p.durationMs,
        error: p.error,
        // The endpoint's own words, redacted; the summary shows only `error`.
        error_detail: p.errorDetail ?? null,
      })),
      comments: comments.map((m) => ({
        kind: m.kind,
        fingerprint: m.fingerprint,
        id: m.external_id,
        path: m.path,
        line: m.line,
        head_sha: m.head_sha,
        created_at: iso(m.created_at),
      })),
      // What each pipeline's requests spent, per model and kind of call (review, fallback,
      // verify); cost_usd null when the model had no price.
      usage: usage.map((u) => ({
        pipeline: u.pipeline,
        endpoint: u.endpoint,
        model: u.model,
        kind: u.kind,
        calls: u.calls,
        tokens: { prompt: u.promptTokens, cached: u.cachedTokens, completion: u.completionTokens },
        cost_usd: u.costUsd,
      })),
      cost_usd: priced.length === 0
        ? null
        : Math.round(priced.reduce((n, u) => n + (u.costUsd ?? 0), 0) * 1e8) / 1e8,
    });
  });
  return app;
}
