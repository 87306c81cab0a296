/**
 * Running one pipeline: its planned calls against its model, the answers anchored to the diff.
 * @module
 */
import type { DiffFile } from "../diff/mod.ts";
import {
  addUsage,
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
import type { VerifyPlan } from "./pipeline_models.ts";
import { type DroppedFinding, verifyFindings } from "./verify.ts";

/** A model passed over for the next in a pipeline's chain, and why (safe for a comment). */
export interface ModelFailure {
  model: string;
  error: string;
}

/** How a pipeline's second look went; see `verify.ts`. */
export interface Verification {
  /** The model that scored the findings, e.g. `cheap (gpt-4o-mini)`. */
  model: string;
  minScore: number;
  /** Findings scored at least `minScore`. */
  verified: number;
  /** Findings scored under it: in `dropped`, not posted. */
  dropped: number;
  /** Findings kept without a score because (part of) the second look failed. */
  unverified: number;
  /** Why it failed, safe for a comment. */
  error?: string;
  /** The same with what the endpoint said (redacted), for the log and the admin API. */
  errorDetail?: string;
}

/**
 * What one request to a model spent (a planned call with its re-asks, or one batch of the second
 * look), so cost is kept per model and per kind of call rather than per pipeline.
 */
export interface ModelSpend {
  /** The model's name in the config, e.g. `default`. */
  endpoint: string;
  /** The model id sent to the endpoint, e.g. `gpt-4o-mini`: what prices are keyed by. */
  model: string;
  /** The pipeline's own model, a fallback of its chain, or the second look. */
  kind: "review" | "fallback" | "verify";
  usage: Usage;
}

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
  /** Findings to publish. */
  findings: Finding[];
  /** Findings the second look scored under `review.min_score`: never posted, kept for the API. */
  dropped?: DroppedFinding[];
  droppedUnknownPath: number;
  /** Tokens of every call: the review's, the fallbacks' and the second look's. */
  usage: Usage;
  /** The same per request and model, in the order spent; unset when nothing was asked. */
  spend?: ModelSpend[];
  durationMs: number;
  /** The models whose answers the findings are, in the chain's order; unset when none answered. */
  answeredBy?: string[];
  /** Models of the chain that failed a call, so a later one was asked instead. */
  modelFailures?: ModelFailure[];
  /** Set when the pipeline took a second look at its findings. */
  verification?: Verification;
}

/** What {@link runPipeline} needs besides the plan. */
export interface RunPipelineDeps {
  files: DiffFile[];
  /** The model, or the reason it cannot be used (an unset key variable…). */
  spec: ModelSpec | UnusableModel;
  /**
   * Models tried in order for a call the pipeline's model failed after its retries
   * (`pipelines[].fallback`). Once one is needed the rest of the calls start from it: a model
   * that just failed is likely to fail the next call too.
   */
  fallbacks?: (ModelSpec | UnusableModel)[];
  /** The second look, when the pipeline takes one. */
  verify?: VerifyPlan;
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
  /**
   * Rethrow a retryable error of the pipeline's own model once in-place retries are spent,
   * instead of reporting it or trying a fallback; a function decides per error (the server asks
   * its queue whether it will retry the job). Fallbacks' errors are never rethrown: the queue's
   * attempts belong to the pipeline's model.
   */
  rethrowRetryable?: boolean | ((error: LlmError) => boolean);
  /**
   * Told of each request's spend as it happens, even when the pipeline then throws (a retryable
   * error rethrown for the queue): what was spent before it is paid for all the same.
   */
  onSpend?: (spend: ModelSpend) => void;
}

const ZERO: Usage = { promptTokens: 0, completionTokens: 0, calls: 0 };

/**
 * Runs `plan`'s calls, at most `concurrency` at a time, each on the pipeline's model and, when
 * that fails after its retries, on each fallback in turn. Findings of calls that succeeded are
 * kept even when another call failed; the pipeline is then `failed` with the first error, so the
 * summary says part of it is missing. With a second look planned, the findings are scored and
 * those under the minimum moved to `dropped`; a second look that fails keeps them all.
 */
export async function runPipeline(
  plan: PipelinePlan,
  deps: RunPipelineDeps,
): Promise<PipelineOutcome> {
  const started = performance.now();
  const modelLabel = labelOf(deps.spec);
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
  const chain = [deps.spec, ...(deps.fallbacks ?? [])];
  const spent = (spec: ModelSpec, kind: ModelSpend["kind"], usage: Usage | undefined) => {
    if (!usage || usage.calls === 0) return;
    outcome.usage = addUsage(outcome.usage, usage);
    const spend = { endpoint: spec.name, model: spec.model, kind, usage };
    (outcome.spend ??= []).push(spend);
    deps.onSpend?.(spend);
  };
  if (plan.error || ("error" in deps.spec && chain.length === 1)) {
    return {
      ...done(),
      status: "failed",
      error: plan.error ?? (deps.spec as { error: string }).error,
    };
  }
  const errors: { shown: string; detail: string }[] = [];
  const answered = new Set<number>();
  const failures = new Map<number, ModelFailure>();
  let active = 0;
  let rethrow: unknown;
  let next = 0;
  const shouldRethrow = (error: unknown) =>
    error instanceof LlmError && error.retryable &&
    (typeof deps.rethrowRetryable === "function"
      ? deps.rethrowRetryable(error)
      : deps.rethrowRetryable === true);
  const runCall = async (call: PipelinePlan["calls"][number]) => {
    const failed: { shown: string; detail: string }[] = [];
    for (let m = active; m < chain.length; m++) {
      const spec = chain[m];
      if ("error" in spec) {
        failed.push({ shown: spec.error, detail: spec.error });
        failures.set(m, { model: labelOf(spec), error: spec.error });
        continue;
      }
      try {
        const answer = await withRetries(() =>
          askForFindings({
            model: spec,
            messages: call.messages,
            signal: deps.signal,
            fetch: deps.fetch,
            maxResponseBytes: deps.maxResponseBytes,
            limiter: deps.limiter,
            defaultSeverity: plan.severity,
          }), deps);
        spent(spec, m === 0 ? "review" : "fallback", answer.usage);
        const anchored = anchorFindings(answer.findings, plan, deps.files);
        outcome.findings.push(...anchored.findings);
        outcome.droppedUnknownPath += anchored.droppedUnknownPath;
        answered.add(m);
        return;
      } catch (error) {
        if (error instanceof LlmError) spent(spec, m === 0 ? "review" : "fallback", error.usage);
        if (deps.signal?.aborted) throw deps.signal.reason ?? error;
        if (m === 0 && shouldRethrow(error)) {
          rethrow = error;
          return;
        }
        const detail = error instanceof Error ? error.message : String(error);
        const shown = error instanceof LlmError ? error.publicMessage : detail;
        failed.push({ shown, detail });
        if (!failures.has(m)) failures.set(m, { model: labelOf(spec), error: shown });
        active = Math.max(active, Math.min(m + 1, chain.length - 1));
      }
    }
    errors.push({
      shown: failed.map((f) => f.shown).join("; then "),
      detail: failed.map((f) => f.detail).join("; then "),
    });
  };
  const worker = async () => {
    while (next < plan.calls.length && rethrow === undefined) await runCall(plan.calls[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(deps.concurrency ?? 4, plan.calls.length) }, worker),
  );
  if (rethrow !== undefined) throw rethrow;
  if (answered.size > 0) {
    outcome.answeredBy = [...answered].sort((a, b) => a - b).map((m) => labelOf(chain[m]));
  }
  // Failures matter to the reader only when another model was asked after them.
  const passedOver = [...failures].filter(([m]) => m < chain.length - 1 || answered.size > 0)
    .sort(([a], [b]) => a - b).map(([, f]) => f);
  if (passedOver.length > 0 && chain.length > 1) outcome.modelFailures = passedOver;
  if (deps.verify && outcome.findings.length > 0) {
    const firstAnswered = Math.min(...answered);
    await secondLook(
      outcome,
      deps.verify.spec ?? chain[firstAnswered],
      deps.verify,
      deps,
      (spec, usage) => spent(spec, "verify", usage),
    );
  }
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

/** Scores `outcome`'s findings with `spec`, moving those under the minimum to `dropped`. */
async function secondLook(
  outcome: PipelineOutcome,
  spec: ModelSpec | UnusableModel,
  { minScore }: VerifyPlan,
  deps: RunPipelineDeps,
  spent: (spec: ModelSpec, usage: Usage) => void,
): Promise<void> {
  const base = { model: labelOf(spec), minScore, verified: 0, dropped: 0 };
  if ("error" in spec) {
    outcome.verification = { ...base, unverified: outcome.findings.length, error: spec.error };
    return;
  }
  const result = await verifyFindings({
    model: spec,
    findings: outcome.findings,
    files: deps.files,
    minScore,
    signal: deps.signal,
    fetch: deps.fetch,
    maxResponseBytes: deps.maxResponseBytes,
    limiter: deps.limiter,
    // The second look is cheap next to the review: a blip of its endpoint gets one more try in
    // place even on the server, rather than leaving the findings unverified.
    attempt: (call) => withRetries(call, { ...deps, retries: Math.max(deps.retries ?? 0, 1) }),
  });
  spent(spec, result.usage);
  outcome.findings = result.kept;
  outcome.dropped = result.dropped;
  outcome.verification = {
    ...base,
    verified: result.kept.length - result.unverified,
    dropped: result.dropped.length,
    unverified: result.unverified,
    ...(result.error ? { error: result.error } : {}),
    ...(result.errorDetail && result.errorDetail !== result.error
      ? { errorDetail: result.errorDetail }
      : {}),
  };
}

function labelOf(spec: ModelSpec | UnusableModel): string {
  return `${spec.name} (${spec.model})`;
}

async function withRetries<T>(
  call: () => Promise<T>,
  deps: Pick<RunPipelineDeps, "retries" | "maxRetryDelayMs" | "signal">,
): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await call();
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
