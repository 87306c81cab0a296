/**
 * The review engine in one call: prompts and the team's instruction files loaded, plan made, pipelines run in parallel, result
 * finished. `loom review` uses it directly; the server splits the same steps across jobs.
 * @module
 */
import { buildContexts } from "../context/mod.ts";
import type { EndpointLimiter } from "../llm/mod.ts";
import { loadPromptText, type RepoConfig } from "../repo_config/mod.ts";
import { readInstructionFiles } from "./instruction_files.ts";
import { pipelineModels } from "./pipeline_models.ts";
import { collectReviewResult, type ReviewResult } from "./review_result.ts";
import { type ChangeContext, planReview, sentFiles } from "./plan.ts";
import { runPipeline } from "./run_pipeline.ts";

/** Inputs of {@link reviewDiff}. */
export interface ReviewDiffInput {
  diff: string;
  config: RepoConfig;
  change: ChangeContext;
  /**
   * Reads a file of the reviewed repository (prompts, the team's instruction files), relative to
   * its root; null if missing.
   */
  readRepoFile(path: string): Promise<string | null>;
  /** Told what did not stop the review: an instruction file that could not be read or fit. */
  warn?(message: string): void;
  /**
   * Reads a file of the reviewed side (the head commit or the working tree), for the code shown
   * around the hunks (`review.context`); null if missing. Without it only the diff is shown.
   */
  readHeadFile?(path: string): Promise<string | null>;
  /** Where API keys are looked up by `api_key_env`. */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Largest model response read, after decompression (`LOOM_LLM_MAX_RESPONSE_BYTES`). */
  maxResponseBytes?: number;
  /** In-place retries of retryable model errors. */
  retries?: number;
  /**
   * Turns at each model server (`max_concurrency`, `LOOM_LLM_MAX_CONCURRENCY`), so a local model
   * is not sent every chunk of every pipeline at once; unset, calls are not limited.
   */
  limiter?: EndpointLimiter;
}

/**
 * Reviews `diff` under `config`. A pipeline whose prompt file is missing or whose model cannot
 * be called fails on its own; the others' findings stand.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRepoConfig } from "../repo_config/mod.ts";
 * import { reviewDiff } from "./review_diff.ts";
 *
 * const parsed = parseRepoConfig(
 *   "models:\n  default: {base_url: http://model.test/v1, model: m}\n" +
 *     "pipelines:\n  - {name: security, prompt_file: .loom/security.md, severity: blocker}\n",
 *   ".loom/config.yaml",
 *   { allowedKeyEnvs: [], allowedBaseUrls: ["http://model.test/v1"] },
 * );
 * assert.ok(parsed.ok);
 * // The model, answering every call with one finding on the changed line.
 * const answer = { path: "src/db.ts", line: 2, title: "SQL injection", body: "Bind `id`." };
 * const fakeModel = () =>
 *   Promise.resolve(Response.json({
 *     id: "1",
 *     object: "chat.completion",
 *     created: 0,
 *     model: "m",
 *     choices: [{
 *       index: 0,
 *       message: { role: "assistant", content: JSON.stringify({ findings: [answer] }) },
 *       finish_reason: "stop",
 *     }],
 *   }));
 *
 * const result = await reviewDiff({
 *   diff: "diff --git a/src/db.ts b/src/db.ts\n--- a/src/db.ts\n+++ b/src/db.ts\n" +
 *     "@@ -1,2 +1,2 @@\n const db = open();\n-db.query(sql, [id]);\n+db.query(sql + id);\n",
 *   config: parsed.config,
 *   change: {
 *     title: "Fix",
 *     description: "",
 *     repo: "acme/web",
 *     baseBranch: "main",
 *     headBranch: "fix",
 *   },
 *   readRepoFile: () => Promise.resolve("Find security bugs in:\n{{diff}}"),
 *   env: {},
 *   fetch: fakeModel,
 * });
 * assert.deepEqual(
 *   result.findings.map((f) => [f.path, f.line, f.severity, f.title, f.inDiff]),
 *   [["src/db.ts", 2, "blocker", "SQL injection", true]],
 * );
 * ```
 */
export async function reviewDiff(input: ReviewDiffInput): Promise<ReviewResult> {
  const { config } = input;
  const templates: Record<string, string> = {};
  const missing = new Map<string, string>();
  for (const pipeline of config.pipelines.filter((p) => p.enabled)) {
    const text = await loadPromptText(pipeline.prompt_file, { readRepoFile: input.readRepoFile });
    if (text === null) missing.set(pipeline.name, `prompt file ${pipeline.prompt_file} not found`);
    templates[pipeline.name] = text ?? "";
  }
  const rules = await readInstructionFiles(
    config.review.instructions_files,
    input.readRepoFile,
    config.review.instructions_max_tokens,
  );
  for (const { path, error } of rules.failed) {
    input.warn?.(`instruction file ${path} not read, reviewing without it: ${error}`);
  }
  for (const path of rules.leftOut) {
    input.warn?.(`instruction file ${path} left out: over review.instructions_max_tokens`);
  }
  let plan = planReview({
    diff: input.diff,
    config,
    templates,
    change: input.change,
    instructions: rules.files,
  });
  if (input.readHeadFile && config.review.context !== "hunks") {
    const context = await buildContexts({
      files: sentFiles(plan),
      mode: config.review.context,
      fileTokens: config.review.context_file_tokens,
      read: input.readHeadFile,
      signal: input.signal,
    });
    plan = planReview({
      diff: plan.files,
      config,
      templates,
      change: input.change,
      instructions: rules.files,
      context,
    });
  }
  const outcomes = await Promise.all(plan.pipelines.map((pipelinePlan) => {
    const models = pipelineModels(config, pipelinePlan.name, input.env);
    const error = missing.get(pipelinePlan.name);
    return runPipeline(error ? { ...pipelinePlan, error } : pipelinePlan, {
      files: plan.files,
      ...models,
      signal: input.signal,
      fetch: input.fetch,
      maxResponseBytes: input.maxResponseBytes,
      retries: input.retries,
      limiter: input.limiter,
    });
  }));
  return collectReviewResult(plan, outcomes, config);
}
