/**
 * The shape of a repository's `.loom/config.yaml`, with every default Loom applies.
 *
 * Every object is strict: an unknown key is an error, because a misspelt option that is
 * silently ignored (say `max_inline_coments`) is worse than a failed review setup. Checks that
 * depend on the server (which key variables and hosts are allowed) live in `policy.ts`.
 * @module
 */

import { z } from "zod";
import { SEVERITIES, type Severity } from "../findings/mod.ts";
import { STRUCTURED_OUTPUTS, TOKEN_PARAMS } from "../llm/mod.ts";
import { globProblem } from "./glob_problem.ts";
import { parsePromptRef } from "./prompt_ref.ts";
import { isSafeRepoPath } from "./safe_repo_path.ts";

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]]);

// A leading "!" would silently invert the match instead of excluding, so it is refused with a
// pointer to what does exclude. Constructs that could stall matching are refused by globProblem.
const glob = z.string().min(1, "a glob pattern must not be empty").refine(
  (g) => !g.startsWith("!"),
  {
    error: 'negated patterns ("!…") are not supported: list them under exclude, or in ' +
      "triggers.ignore_paths",
  },
).check((ctx) => {
  const problem = globProblem(ctx.value);
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
});
const globList = z.array(glob).default([]);

// Not z.int(): its failure aborts the whole parse, which would hide the cross-field checks.
const wholeNumber = () => z.number().refine(Number.isInteger, "must be a whole number");

/** The instruction files read from the base branch when `review.instructions_files` is unset. */
export const DEFAULT_INSTRUCTIONS_FILES: readonly string[] = [
  ".loom/instructions.md",
  "AGENTS.md",
  "CLAUDE.md",
  "REVIEW.md",
];
/** Most entries of `review.instructions_files`. */
export const MAX_INSTRUCTIONS_FILES = 10;
/** Most entries of one `path_instructions` list (top level, or one pipeline's). */
export const MAX_PATH_INSTRUCTIONS = 50;
/** Longest `path_instructions[].instructions`, in characters. */
export const MAX_PATH_INSTRUCTION_CHARS = 4000;

// Written by the team, sent with the files they match: bounded like every list a config holds,
// so that a config cannot make every prompt huge.
const pathInstructions = z.array(z.strictObject({
  path: glob,
  instructions: z.string().trim().min(1, "must not be empty").max(
    MAX_PATH_INSTRUCTION_CHARS,
    `may be at most ${MAX_PATH_INSTRUCTION_CHARS} characters long`,
  ),
})).max(MAX_PATH_INSTRUCTIONS, `list at most ${MAX_PATH_INSTRUCTIONS}`).default([]);

const modelSchema = z.strictObject({
  base_url: z.url({
    protocol: /^https?$/,
    error: "must be an http:// or https:// URL, like https://api.openai.com/v1",
  }),
  /** Optional because a local endpoint such as Ollama needs no key. */
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: "must be the name of an environment variable, like OPENAI_API_KEY",
  }).optional(),
  model: z.string().min(1, "must name the model to call, like gpt-4o"),
  /** `null` leaves it out of the request, for models that accept only their default. */
  temperature: z.number().min(0).max(2).nullable().default(0),
  /** The field the length cap goes in; a server refusing it is asked with the other one. */
  token_param: z.enum(TOKEN_PARAMS).default("max_tokens"),
  /** Read answers as a stream: `timeout_s` is then the longest silence, not the whole time. */
  stream: z.boolean().default(false),
  /**
   * Calls in flight at once to this model's server across the whole Loom process; unset: the
   * server's `LOOM_LLM_MAX_CONCURRENCY`, which also caps it for the server's own endpoint.
   */
  max_concurrency: wholeNumber().min(1).max(256).optional(),
  max_tokens: wholeNumber().min(1).default(2000),
  /**
   * 32768 when unset: small enough for most local models, and an over-estimate would make Loom
   * send chunks the endpoint rejects, while an under-estimate only costs extra calls.
   */
  context_window: wholeNumber().min(1024).default(32768),
  timeout_s: z.number().positive().default(120),
  structured_output: z.enum(STRUCTURED_OUTPUTS).default("json_schema"),
});

const pipelineSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    error: 'must be 1-64 letters, digits, "_", "-" or ".", starting with a letter or digit',
  }),
  /** Defaults to the model named `default`, so the common single-model config stays short. */
  model: z.string().min(1, "must name one of the models defined under models").default("default"),
  prompt_file: z.string().check((ctx) => {
    const ref = parsePromptRef(ctx.value);
    if (ref.kind === "invalid") {
      ctx.issues.push({ code: "custom", message: ref.reason, input: ctx.value });
    }
  }),
  /** Given to the model as `{{severity}}` and used for findings that carry none. */
  severity: severity.default("warning"),
  /** Globs of paths this pipeline reviews; empty means every changed file. */
  include: globList,
  /** Globs of paths this pipeline skips, applied after `include`. */
  exclude: globList,
  enabled: z.boolean().default(true),
  /**
   * Models tried in order, each named under models, when this pipeline's model fails after its
   * retries (5xx, timeout, a rate limit past its wait, a refused request, an unusable answer).
   */
  fallback: z.array(z.string().min(1, "must name one of the models defined under models"))
    .max(5, "list at most 5 fallback models").default([]),
  /** The second look for this pipeline; unset: `review.verify`. */
  verify: z.boolean().optional(),
  /** The model of the second look (a cheaper one, say); unset: the model that answered. */
  verify_model: z.string().min(1, "must name one of the models defined under models").optional(),
  /** Rules for the files matching `path`, sent to this pipeline only, with those files. */
  path_instructions: pathInstructions,
});

// Names and words a team writes by hand: bounded so a list cannot be an attack on every review.
const MAX_NAME_CHARS = 256;
const nameList = (what: string) =>
  z.array(
    z.string().min(1, `${what} must not be empty`).max(
      MAX_NAME_CHARS,
      `${what} may be at most ${MAX_NAME_CHARS} characters long`,
    ),
  ).max(100, "list at most 100").default([]);

const triggersSchema = z.strictObject({
  /** Globs matched against the pull request's base branch; empty means every branch. */
  branches: globList,
  drafts: z.boolean().default(false),
  /** Globs of paths left out of every review (lock files, build output). */
  ignore_paths: globList,
  /** A pull request changing more lines than this (added plus removed) is not reviewed. */
  max_changes: wholeNumber().min(1).default(1000),
  /**
   * Globs over the pull request author's login (case-insensitive; a login equal to the pattern
   * matches too, so `dependabot[bot]` means that bot, not a character class): not reviewed.
   */
  ignore_authors: globList,
  /** Words whose presence in the title (case-insensitive) skips the review: "WIP". */
  ignore_titles: nameList("a title word"),
  /** Review only pull requests carrying one of these labels (case-insensitive); empty: all. */
  labels: nameList("a label"),
  /** Pull requests carrying one of these labels (case-insensitive) are not reviewed. */
  skip_labels: nameList("a label"),
});

const reviewSchema = z.strictObject({
  summary: z.boolean().default(true),
  inline: z.boolean().default(true),
  max_inline_comments: wholeNumber().min(0).default(25),
  /** Findings below this severity are dropped. */
  min_severity: severity.default("info"),
  /** Upper bound on model calls for one review, so a huge pull request cannot run up a bill. */
  max_llm_calls: wholeNumber().min(1).default(10),
  /**
   * On new commits, send the model only what changed since the last reviewed head (a full review
   * when history was rewritten, the merge base moved or the config changed).
   */
  incremental: z.boolean().default(true),
  /**
   * Pause Loom on a pull request after this many reviewed pushes (automatic reviews that were
   * published); `/loom resume` starts the count again. 0: never.
   */
  auto_pause_after: wholeNumber().min(0).default(0),
  /**
   * The second look: one more call scores each finding (0-10) for being real and actionable.
   * Unset: on for pipelines of severity blocker only; a pipeline's own `verify` wins.
   */
  verify: z.boolean().optional(),
  /** Verified findings scoring under this are not posted (kept, marked dropped, in the API). */
  min_score: wholeNumber().min(0).max(10).default(5),
  /**
   * The team's rules: files read from the base branch and sent with every pipeline's prompt,
   * the first ones winning when they are over `instructions_max_tokens`; missing ones skipped.
   */
  instructions_files: z.array(
    z.string().refine(isSafeRepoPath, {
      error: 'must be a relative path inside the repository (letters, digits, ".", "_", "-" ' +
        'and "/" only, no ".." segments), like AGENTS.md or docs/REVIEW.md',
    }),
  ).max(MAX_INSTRUCTIONS_FILES, `list at most ${MAX_INSTRUCTIONS_FILES}`)
    .default([...DEFAULT_INSTRUCTIONS_FILES]),
  /** Tokens the instruction files may take in each prompt, all files together; 0: none sent. */
  instructions_max_tokens: wholeNumber().min(0).max(16000).default(4000),
  /**
   * One line in the summary with the review's tokens and, for models the server prices, its
   * cost. Who reads the pull request sees it; false hides it.
   */
  show_cost: z.boolean().default(true),
  /**
   * The code around each hunk the model is shown: `hunks` only the diff's own lines, `scope` also
   * the lines opening the function, class or block each hunk sits in, `file` the whole new file
   * when it fits in `context_file_tokens` (bigger files get `scope`).
   */
  context: z.enum(["hunks", "scope", "file"]).default("scope"),
  /** Largest file (estimated tokens of its numbered text) that `context: file` shows whole. */
  context_file_tokens: wholeNumber().min(0).max(100_000).default(2_000),
});

/**
 * Schema of `.loom/config.yaml`. Parse the YAML to plain data first; `parse.ts` does that and
 * maps issues back to line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RepoConfigSchema } from "./schema.ts";
 *
 * const config = RepoConfigSchema.parse({
 *   models: { default: { base_url: "http://localhost:11434/v1", model: "qwen2.5-coder" } },
 *   pipelines: [{ name: "security", prompt_file: "builtin:security", severity: "blocker" }],
 * });
 * assert.equal(config.review.max_inline_comments, 25);
 * ```
 */
export const RepoConfigSchema = z.strictObject({
  models: z.record(z.string(), modelSchema).refine((m) => Object.keys(m).length > 0, {
    error: "define at least one model",
  }),
  pipelines: z.array(pipelineSchema).min(1, "define at least one pipeline"),
  triggers: triggersSchema.prefault({}),
  review: reviewSchema.prefault({}),
  /** Rules for the files matching `path`, sent to every pipeline with those files. */
  path_instructions: pathInstructions,
}).superRefine((value, ctx) => {
  for (const issue of crossFieldIssues(value)) ctx.addIssue({ code: "custom", ...issue });
}, { when: () => true });

/** A repository's review configuration with every default filled in. */
export type RepoConfig = z.output<typeof RepoConfigSchema>;
/** One entry of `models`: an OpenAI-compatible endpoint and how to call it. */
export type ModelConfig = RepoConfig["models"][string];
/** One entry of `pipelines`: a prompt run over (part of) the diff. */
export type PipelineConfig = RepoConfig["pipelines"][number];
/** When a pull request is reviewed at all. */
export type TriggersConfig = RepoConfig["triggers"];
/** What a review posts. */
export type ReviewConfig = RepoConfig["review"];
/** One entry of `path_instructions`: rules for the files a glob matches. */
export type PathInstruction = RepoConfig["path_instructions"][number];

interface PathIssue {
  path: (string | number)[];
  message: string;
}

// Runs even when other fields failed (`when` above), so one pass reports every problem; that is
// why it reads the value defensively instead of trusting the inferred type.
function crossFieldIssues(value: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const root = asRecord(value);
  const pipelines = root?.pipelines;
  if (!Array.isArray(pipelines)) return issues;
  const models = asRecord(root?.models);
  const modelNames = models ? Object.keys(models) : undefined;
  const firstIndexByName = new Map<string, number>();
  pipelines.forEach((item, i) => {
    const pipeline = asRecord(item);
    if (!pipeline) return;
    if (typeof pipeline.name === "string") {
      const first = firstIndexByName.get(pipeline.name);
      if (first === undefined) firstIndexByName.set(pipeline.name, i);
      else {
        issues.push({
          path: ["pipelines", i, "name"],
          message:
            `duplicate pipeline name ${JSON.stringify(pipeline.name)} (pipelines[${first}] ` +
            `has it too); pipeline names must be unique`,
        });
      }
    }
    // An absent model was defaulted to "default" by now, which is what must exist.
    const model = pipeline.model ?? "default";
    if (modelNames && typeof model === "string" && !modelNames.includes(model)) {
      issues.push({
        path: ["pipelines", i, "model"],
        message: `model ${JSON.stringify(model)} is not defined under models (defined: ${
          modelNames.join(", ") || "none"
        })${
          model === "default" ? '; a pipeline without "model" uses the model named default' : ""
        }`,
      });
    }
    issues.push(...otherModelIssues(pipeline, i, model, modelNames));
  });
  return issues;
}

// fallback and verify_model name models as model does; a fallback that is the pipeline's own
// model (or listed twice) would only send the same failing request again.
function otherModelIssues(
  pipeline: Record<string, unknown>,
  i: number,
  model: unknown,
  modelNames: string[] | undefined,
): PathIssue[] {
  if (!modelNames) return [];
  const issues: PathIssue[] = [];
  const unknown = (name: string) =>
    `model ${JSON.stringify(name)} is not defined under models (defined: ${
      modelNames.join(", ") || "none"
    })`;
  const fallback = Array.isArray(pipeline.fallback) ? pipeline.fallback : [];
  fallback.forEach((name, j) => {
    if (typeof name !== "string" || name === "") return;
    const path = ["pipelines", i, "fallback", j];
    if (!modelNames.includes(name)) issues.push({ path, message: unknown(name) });
    else if (name === model) {
      issues.push({
        path,
        message: `fallback ${JSON.stringify(name)} is the pipeline's own model`,
      });
    } else if (fallback.indexOf(name) < j) {
      issues.push({ path, message: `fallback ${JSON.stringify(name)} is listed twice` });
    }
  });
  const verifyModel = pipeline.verify_model;
  if (typeof verifyModel === "string" && verifyModel !== "" && !modelNames.includes(verifyModel)) {
    issues.push({ path: ["pipelines", i, "verify_model"], message: unknown(verifyModel) });
  }
  return issues;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}
