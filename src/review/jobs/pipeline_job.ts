/**
 * The `pipeline` job: one pipeline of one review against its model. Its outcome is stored; the
 * last pipeline of a review to finish queues the `publish` job.
 * @module
 */
import { sql } from "kysely";
import type { RepoRef } from "../../platform/mod.ts";
import type { Job } from "../../queue/mod.ts";
import type { HandlerContext } from "../../worker/pool.ts";
import { resolveModel } from "../resolve_model.ts";
import { type PipelineOutcome, runPipeline } from "../run_pipeline.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { loadReviewPlan } from "./review_inputs.ts";

/** What every job of a review carries. */
export interface ReviewRef {
  reviewId: number;
  repo: RepoRef;
  pr: number;
  /** The head commit reviewed: a push of another head supersedes the job. */
  headSha: string;
}

/** The payload of a `pipeline` job. */
export interface PipelineJobPayload extends ReviewRef {
  pipeline: string;
}

/** The handler of `pipeline` jobs. */
export function pipelineJob(deps: ReviewJobDeps) {
  return async (job: Job, { signal }: HandlerContext): Promise<void> => {
    const payload = job.payload as PipelineJobPayload;
    const { inputs, plan } = await loadReviewPlan(deps.store, payload.reviewId);
    const pipelinePlan = plan.pipelines.find((p) => p.name === payload.pipeline);
    if (!pipelinePlan) {
      throw new Error(`review ${payload.reviewId} has no pipeline ${payload.pipeline}`);
    }
    const modelConfig = inputs.config.models[pipelinePlan.modelName];
    const spec = resolveModel(pipelinePlan.modelName, modelConfig, deps.env);
    // Retryable model errors (429, 5xx, timeouts) go back to the queue while attempts remain;
    // on the last attempt the failure is recorded so the review still gets published.
    const outcome = await runPipeline(pipelinePlan, {
      files: plan.files,
      spec,
      signal,
      fetch: deps.fetch,
      rethrowRetryable: job.attempts < job.maxAttempts,
    });
    await savePipelineRun(deps, payload.reviewId, outcome);
    deps.log.info("pipeline ended", {
      job_id: job.id,
      review_id: payload.reviewId,
      pipeline: outcome.name,
      status: outcome.status,
      findings: outcome.findings.length,
      calls: outcome.usage.calls,
      error: outcome.error,
    });
    const done = await sql<{ count: number }>`
      select count(*) as count from pipeline_runs where review_id = ${payload.reviewId}
    `.execute(deps.store.db);
    if (Number(done.rows[0].count) >= plan.pipelines.length) {
      await enqueuePublish(deps, payload, job.groupKey ?? undefined);
    }
  };
}

async function savePipelineRun(deps: ReviewJobDeps, reviewId: number, o: PipelineOutcome) {
  const now = (deps.now ?? Date.now)();
  const findings = JSON.stringify({
    findings: o.findings,
    droppedUnknownPath: o.droppedUnknownPath,
  });
  await sql`
    insert into pipeline_runs (review_id, pipeline, model, status, findings, prompt_tokens,
                               completion_tokens, llm_calls, duration_ms, error, created_at)
    values (${reviewId}, ${o.name}, ${o.model}, ${o.status}, ${findings}, ${o.usage.promptTokens},
            ${o.usage.completionTokens}, ${o.usage.calls}, ${o.durationMs}, ${
    o.error ?? null
  }, ${now})
    on conflict (review_id, pipeline) do update set
      model = excluded.model, status = excluded.status, findings = excluded.findings,
      prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens,
      llm_calls = excluded.llm_calls, duration_ms = excluded.duration_ms, error = excluded.error`
    .execute(deps.store.db);
}

/** The stored outcomes of a review's pipelines. */
export async function loadPipelineRuns(
  deps: ReviewJobDeps,
  reviewId: number,
): Promise<PipelineOutcome[]> {
  const rows = await sql<{
    pipeline: string;
    model: string;
    status: PipelineOutcome["status"];
    findings: string;
    prompt_tokens: number;
    completion_tokens: number;
    llm_calls: number;
    duration_ms: number | null;
    error: string | null;
  }>`select * from pipeline_runs where review_id = ${reviewId} order by pipeline`.execute(
    deps.store.db,
  );
  return rows.rows.map((r) => {
    const stored = JSON.parse(r.findings);
    return {
      name: r.pipeline,
      model: r.model,
      status: r.status,
      error: r.error ?? undefined,
      findings: stored.findings,
      droppedUnknownPath: stored.droppedUnknownPath,
      usage: {
        promptTokens: Number(r.prompt_tokens),
        completionTokens: Number(r.completion_tokens),
        calls: Number(r.llm_calls),
      },
      durationMs: Number(r.duration_ms ?? 0),
    };
  });
}

/** Queues the review's `publish` job once (a key guards against two last pipelines). */
export async function enqueuePublish(deps: ReviewJobDeps, ref: ReviewRef, groupKey?: string) {
  const payload: ReviewRef = {
    reviewId: ref.reviewId,
    repo: ref.repo,
    pr: ref.pr,
    headSha: ref.headSha,
  };
  await deps.queue.enqueue("publish", "high", payload, {
    groupKey,
    dedupeKey: `publish:${ref.reviewId}`,
  });
}
