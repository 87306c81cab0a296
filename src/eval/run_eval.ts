/**
 * Running the review engine over an evaluation set, case after case, exactly as `loom review`
 * runs it (same config, prompts, planning and pipelines), and scoring what it found.
 * @module
 */
import type { EndpointLimiter } from "../llm/mod.ts";
import type { RepoConfig } from "../repo_config/mod.ts";
import { reviewDiff } from "../review/mod.ts";
import type { EvalCase } from "./eval_case.ts";
import { type CaseTally, tallyCase } from "./match.ts";
import { type EvalScore, scoreTallies } from "./score.ts";

/** What {@link runEval} needs besides the cases. */
export interface RunEvalDeps {
  config: RepoConfig;
  /** Reads prompt files named by the config; null when missing. */
  readRepoFile(path: string): Promise<string | null>;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  maxResponseBytes?: number;
  retries?: number;
  signal?: AbortSignal;
  /** Turns at each model server, as in a review. */
  limiter?: EndpointLimiter;
  /** Milliseconds since some fixed point; `performance.now` unless a test fixes time. */
  now?: () => number;
  /** Called after each case, so a long run shows progress. */
  onCase?: (result: CaseResult, index: number, total: number) => void;
}

/** One case's outcome. */
export interface CaseResult {
  id: string;
  language: string;
  kind: string;
  tally: CaseTally;
  /** Pipelines that failed on this case, with why (their findings are missing from the tally). */
  failed: { pipeline: string; error: string }[];
}

/** A whole run. */
export interface EvalReport extends EvalScore {
  cases: CaseResult[];
  promptTokens: number;
  completionTokens: number;
  wallMs: number;
  /** The model ids the pipelines used, e.g. `default (qwen2.5-coder:7b)`. */
  models: string[];
}

/**
 * Reviews each case's diff with `deps.config` and scores the findings against its expectations.
 * Cases run one after the other so a local model is not sent the whole set at once; the
 * pipelines of one case run side by side, as in a review.
 */
export async function runEval(cases: readonly EvalCase[], deps: RunEvalDeps): Promise<EvalReport> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const results: CaseResult[] = [];
  const models = new Set<string>();
  let promptTokens = 0;
  let completionTokens = 0;
  for (const [index, c] of cases.entries()) {
    const review = await reviewDiff({
      diff: c.diff,
      config: deps.config,
      change: {
        title: c.title ?? c.id,
        description: c.description,
        repo: `eval/${c.id}`,
        baseBranch: "main",
        headBranch: c.id,
      },
      readRepoFile: deps.readRepoFile,
      env: deps.env,
      fetch: deps.fetch,
      maxResponseBytes: deps.maxResponseBytes,
      retries: deps.retries,
      signal: deps.signal,
      limiter: deps.limiter,
    });
    promptTokens += review.usage.promptTokens;
    completionTokens += review.usage.completionTokens;
    for (const p of review.pipelines) if (p.status !== "skipped") models.add(p.model);
    const result: CaseResult = {
      id: c.id,
      language: c.language,
      kind: c.kind,
      tally: tallyCase(review.findings, c.expected),
      failed: review.pipelines.filter((p) => p.status === "failed").map((p) => ({
        pipeline: p.name,
        error: p.errorDetail ?? p.error ?? "failed",
      })),
    };
    results.push(result);
    deps.onCase?.(result, index, cases.length);
  }
  return {
    ...scoreTallies(results.map((r) => r.tally)),
    cases: results,
    promptTokens,
    completionTokens,
    wallMs: Math.round(now() - started),
    models: [...models].sort(),
  };
}
