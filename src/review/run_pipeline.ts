/**
 * Running one pipeline: its planned calls against its model, the answers anchored to the diff.
 * @module
 */
import type { DiffFile } from "../diff/mod.ts";
import {
  askForFindings,
  type EndpointLimiter,
  LlmError,
  type ModelSpec,
  type Usage,
} from "../llm/mod.ts";
import { anchorFindings } from "./anchor.ts";
import type { Finding } from "../findings/mod.ts";
import type { UnusableModel } from "./resolve_model.ts";
import type { PipelinePlan } from "./plan.ts";

/** How a pipeline ended. */
export interface PipelineOutcome {
  name: string;
  /** The model's name in the config and its id, e.g. `default (gpt-4o-mini)`. */
  model: string;
  status: "succeeded" | "failed" | "skipped";
  /**
   * Why it failed, as the summary comment shows it: which model failed and how, never a word
   * the endpoint sent (an internal service's error page may hold secrets), nor a key.
   */
  error?: string;
  /**
   * Why it failed with what the endpoint said (its error body, redacted), for the admin API and
   * the log only; unset when `error` says it all.
   */
  errorDetail?: string;
  findings: Finding[];
  droppedUnknownPath: number;
  usage: Usage;
  durationMs: number;
}

/** What {@link runPipeline} needs besides the plan. */
export interface RunPipelineDeps {
  files: DiffFile[];
  /** The model, or the reason it cannot be used (an unset key variable…). */
  spec: ModelSpec | UnusableModel;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Largest model response read, after decompression (`LOOM_LLM_MAX_RESPONSE_BYTES`). */
  maxResponseBytes?: number;
  /** Turns at each model server, shared by every job of the process (`max_concurrency`). */
  limiter?: EndpointLimiter;
  /** Calls in flight at once for this pipeline. Default 4. */
  concurrency?: number;
  /**
   * Retryable model errors (429, 5xx, timeouts) are retried this many times in place, waiting
   * what the server asked (capped at `maxRetryDelayMs`). The server's jobs pass 0 and let the
   * queue retry; `loom review` retries in place. Default 0.
   */
  retries?: number;
  maxRetryDelayMs?: number;
  /** Rethrow a retryable error once in-place retries are spent, instead of reporting it. */
  rethrowRetryable?: boolean;
}

const ZERO: Usage = { promptTokens: 0, completionTokens: 0, calls: 0 };

function addUsage(a: Usage, b: Usage | undefined): Usage {
  if (!b) return a;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    calls: a.calls + b.calls,
  };
}

/**
 * Runs `plan`'s calls, at most `concurrency` at a time. Findings of calls that succeeded are kept
 * even when another call failed; the pipeline is then `failed` with the first error, so the
 * summary says part of it is missing.
 */
export async function runPipeline(
  plan: PipelinePlan,
  deps: RunPipelineDeps,
): Promise<PipelineOutcome> {
  const started = performance.now();
  const modelLabel = `${deps.spec.name} (${deps.spec.model})`;
  const outcome: PipelineOutcome = {
    name: plan.name,
    model: modelLabel,
    status: plan.calls.length === 0 ? "skipped" : "succeeded",
    findings: [],
    droppedUnknownPath: 0,
    usage: ZERO,
    durationMs: 0,
  };
  const done = () => ({ ...outcome, durationMs: Math.round(performance.now() - started) });
  if (plan.error || "error" in deps.spec) {
    return {
      ...done(),
      status: "failed",
      error: plan.error ?? (deps.spec as { error: string }).error,
    };
  }
  const spec = deps.spec;
  const errors: { shown: string; detail: string }[] = [];
  let rethrow: unknown;
  let next = 0;
  const worker = async () => {
    while (next < plan.calls.length && rethrow === undefined) {
      const call = plan.calls[next++];
      try {
        const answer = await askWithRetries(spec, call.messages, plan, deps);
        outcome.usage = addUsage(outcome.usage, answer.usage);
        const anchored = anchorFindings(answer.findings, plan, deps.files);
        outcome.findings.push(...anchored.findings);
        outcome.droppedUnknownPath += anchored.droppedUnknownPath;
      } catch (error) {
        if (error instanceof LlmError) outcome.usage = addUsage(outcome.usage, error.usage);
        if (deps.signal?.aborted) throw deps.signal.reason ?? error;
        if (deps.rethrowRetryable && error instanceof LlmError && error.retryable) {
          rethrow = error;
          return;
        }
        const detail = error instanceof Error ? error.message : String(error);
        errors.push({
          shown: error instanceof LlmError ? error.publicMessage : detail,
          detail,
        });
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(deps.concurrency ?? 4, plan.calls.length) }, worker),
  );
  if (rethrow !== undefined) throw rethrow;
  if (errors.length > 0) {
    const failedCalls = errors.length === 1 ? "1 call" : `${errors.length} calls`;
    const failed = `${failedCalls} of ${plan.calls.length} failed: `;
    const [first] = errors;
    return {
      ...done(),
      status: "failed",
      error: failed + first.shown,
      ...(first.detail === first.shown ? {} : { errorDetail: failed + first.detail }),
    };
  }
  return done();
}

async function askWithRetries(
  spec: ModelSpec,
  messages: PipelinePlan["calls"][number]["messages"],
  plan: PipelinePlan,
  deps: RunPipelineDeps,
) {
  for (let attempt = 0;; attempt++) {
    try {
      return await askForFindings({
        model: spec,
        messages,
        signal: deps.signal,
        fetch: deps.fetch,
        maxResponseBytes: deps.maxResponseBytes,
        limiter: deps.limiter,
        defaultSeverity: plan.severity,
      });
    } catch (error) {
      const retryable = error instanceof LlmError && error.retryable;
      if (!retryable || attempt >= (deps.retries ?? 0) || deps.signal?.aborted) throw error;
      const delay = Math.min(
        deps.maxRetryDelayMs ?? 30_000,
        error.retryAfterMs ?? 1_000 * 2 ** attempt,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
