/**
 * The models one pipeline may call: its own, the fallbacks tried in order when it fails, and the
 * second look's (`verify`, `verify_model`, `review.min_score`), resolved against the server's
 * environment.
 * @module
 */
import type { ModelSpec } from "../llm/mod.ts";
import type { RepoConfig } from "../repo_config/mod.ts";
import { resolveModel, type UnusableModel } from "./resolve_model.ts";

/** The second look of a pipeline; see `verify.ts`. */
export interface VerifyPlan {
  /** Its model; unset: the model that answered the pipeline. */
  spec?: ModelSpec | UnusableModel;
  minScore: number;
}

/** See the module doc. */
export interface PipelineModels {
  spec: ModelSpec | UnusableModel;
  fallbacks: (ModelSpec | UnusableModel)[];
  /** Unset when the pipeline takes no second look. */
  verify?: VerifyPlan;
}

/**
 * The models of pipeline `name` under `config`. The second look is on when the pipeline's
 * `verify` says so, else `review.verify`, else for pipelines of severity blocker: those are the
 * findings that fail a commit status, where a false alarm costs most.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RepoConfigSchema } from "../repo_config/mod.ts";
 * import { pipelineModels } from "./pipeline_models.ts";
 *
 * const config = RepoConfigSchema.parse({
 *   models: {
 *     big: { base_url: "http://big.test/v1", model: "big-1" },
 *     small: { base_url: "http://small.test/v1", model: "small-1" },
 *   },
 *   pipelines: [{
 *     name: "security", model: "big", prompt_file: "builtin:security", severity: "blocker",
 *     fallback: ["small"],
 *   }],
 * });
 * const models = pipelineModels(config, "security", {});
 * assert.equal(models.fallbacks[0].model, "small-1");
 * assert.equal(models.verify?.minScore, 5);
 * assert.equal(models.verify?.spec, undefined);
 * ```
 */
export function pipelineModels(
  config: RepoConfig,
  name: string,
  env: Record<string, string | undefined>,
): PipelineModels {
  const pipeline = config.pipelines.find((p) => p.name === name);
  const modelName = pipeline?.model ?? "default";
  const resolve = (model: string) => resolveModel(model, config.models[model], env);
  // Read defensively: a review's inputs stored before these keys existed lack them.
  const fallbacks = (pipeline?.fallback ?? []).filter((m) => config.models[m]).map(resolve);
  const verifyOn = pipeline?.verify ?? config.review.verify ?? pipeline?.severity === "blocker";
  const verifyModel = pipeline?.verify_model;
  return {
    spec: resolve(modelName),
    fallbacks,
    ...(verifyOn
      ? {
        verify: {
          ...(verifyModel && config.models[verifyModel] ? { spec: resolve(verifyModel) } : {}),
          minScore: config.review.min_score ?? 5,
        },
      }
      : {}),
  };
}
