/**
 * Planning a review: which files each pipeline reviews and how they are cut into model requests
 * that fit the model's context window, within the review's `max_llm_calls`. Pure and fast: the
 * whole plan of a 20,000-line diff takes milliseconds, and a server job can store it.
 * @module
 */
import type { FileContext } from "../context/mod.ts";
import { type DiffFile, parseDiff } from "../diff/mod.ts";
import type { Severity } from "../findings/mod.ts";
import type { ChatMessage } from "../llm/mod.ts";
import type { PathInstruction, PipelineConfig, RepoConfig } from "../repo_config/mod.ts";
import { packFiles } from "./pack.ts";
import { buildMessages, type PromptVars } from "./prompt.ts";
import { countChanges, selectFiles, type SkippedFile } from "./select.ts";
import { type InstructionFile, renderTeamRules } from "./team_rules.ts";
import { countTokens } from "./tokens.ts";

/** What the prompt may say about the change besides its diff. */
export interface ChangeContext {
  title: string;
  description: string;
  repo: string;
  baseBranch: string;
  headBranch: string;
}

/** A file (or part of one) left out of a pipeline's model calls. */
export interface NotReviewed {
  path: string;
  pipeline: string;
  reason: "max_llm_calls" | "too_large" | "too_large_to_diff";
}

/** One request to the model. */
export interface PlannedCall {
  messages: ChatMessage[];
  paths: string[];
  /** Estimated prompt tokens (errs high). */
  tokens: number;
}

/** One pipeline's share of the review. */
export interface PipelinePlan {
  name: string;
  severity: Severity;
  modelName: string;
  calls: PlannedCall[];
  /** Why the pipeline cannot run at all (its prompt leaves no room for a diff), if it cannot. */
  error?: string;
}

/** The plan of a whole review. */
export interface ReviewPlan {
  files: DiffFile[];
  changes: number;
  /** Set when the review is skipped as a whole (e.g. above `max_changes`); no calls are planned. */
  skippedReason?: string;
  pipelines: PipelinePlan[];
  /** Files no pipeline reviews and why (ignored, binary, lock file…), once per path. */
  skippedFiles: SkippedFile[];
  notReviewed: NotReviewed[];
}

/** Tokens kept free beyond the estimate, for the chat template's own framing. */
const SAFETY_TOKENS = 128;

/**
 * Plans the review of `diff` (text or parsed) under `config`, with each enabled pipeline's
 * template in `templates` (by pipeline name) and the team's `instructions` (read from the base
 * branch) in every call; `path_instructions` go only with the calls holding files they match.
 *
 * Calls are handed out round-robin across pipelines, most severe first, so with a tight
 * `max_llm_calls` every pipeline still reviews something and security comes before style.
 */
export function planReview(input: {
  diff: string | DiffFile[];
  config: RepoConfig;
  templates: Record<string, string>;
  change: ChangeContext;
  instructions?: InstructionFile[];
  /**
   * The code around the files' hunks (`review.context`), read at the head; shown only within
   * the token budget, and only where it leaves no diff out.
   */
  context?: readonly FileContext[];
}): ReviewPlan {
  const { config, change } = input;
  const context = new Map((input.context ?? []).map((c) => [c.path, c]));
  const files = typeof input.diff === "string" ? parseDiff(input.diff) : input.diff;
  const changes = countChanges(files);
  const enabled = config.pipelines.filter((p) => p.enabled);
  const plan: ReviewPlan = { files, changes, pipelines: [], skippedFiles: [], notReviewed: [] };
  const tooMany = aboveMaxChanges(changes, config);
  if (tooMany) {
    plan.skippedReason = tooMany;
    return plan;
  }

  const skipped = new Map<string, SkippedFile>();
  const packed = bySeverity(enabled).map((pipeline) => {
    const selection = selectFiles(files, {
      ignorePaths: config.triggers.ignore_paths,
      include: pipeline.include,
      exclude: pipeline.exclude,
    });
    for (const s of selection.skipped) {
      if (s.reason !== "not_included" && s.reason !== "excluded") skipped.set(s.path, s);
    }
    // Listed without lines (too large for Loom to diff): nothing to send, but not reviewed.
    const unread = selection.files.filter((f) => f.tooLargeToDiff);
    const sent = selection.files.filter((f) => !f.tooLargeToDiff);
    const p = packPipeline(pipeline, sent, config, input.templates[pipeline.name], change, {
      files: input.instructions ?? [],
      paths: [...config.path_instructions, ...pipeline.path_instructions],
    }, context);
    for (const f of unread) p.leftOut.push({ path: f.path, reason: "too_large_to_diff" });
    return p;
  });
  plan.skippedFiles = [...skipped.values()];

  // Round-robin: each pipeline gets its next chunk while calls remain.
  let remaining = config.review.max_llm_calls;
  for (let round = 0; remaining > 0; round++) {
    let handed = false;
    for (const p of packed) {
      if (remaining > 0 && round < p.chunks.length) {
        p.plan.calls.push(p.chunks[round]);
        remaining--;
        handed = true;
      }
    }
    if (!handed) break;
  }
  for (const p of packed) {
    for (const chunk of p.chunks.slice(p.plan.calls.length)) {
      for (const path of chunk.paths) {
        plan.notReviewed.push({ path, pipeline: p.plan.name, reason: "max_llm_calls" });
      }
    }
    for (const n of p.leftOut) plan.notReviewed.push({ ...n, pipeline: p.plan.name });
    plan.pipelines.push(p.plan);
  }
  return plan;
}

/**
 * The files of `plan` that some planned call sends to a model, in diff order: the only ones
 * whose content is read for context.
 */
export function sentFiles(plan: ReviewPlan): DiffFile[] {
  const sent = new Set(plan.pipelines.flatMap((p) => p.calls.flatMap((c) => c.paths)));
  return plan.files.filter((f) => sent.has(f.path));
}

/**
 * Why a change of `changes` lines is not reviewed under `config` (above `triggers.max_changes`),
 * or undefined when it is within it. An incremental review checks the pull request's whole diff
 * with it as well as the push's.
 */
export function aboveMaxChanges(changes: number, config: RepoConfig): string | undefined {
  if (changes <= config.triggers.max_changes) return undefined;
  return `the pull request changes ${changes} lines, more than triggers.max_changes ` +
    `(${config.triggers.max_changes}); raise it in .loom/config.yaml to review changes this large`;
}

const RANK: Record<Severity, number> = { blocker: 0, warning: 1, info: 2 };

function bySeverity(pipelines: PipelineConfig[]): PipelineConfig[] {
  return [...pipelines].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

function packPipeline(
  pipeline: PipelineConfig,
  files: DiffFile[],
  config: RepoConfig,
  template: string,
  change: ChangeContext,
  rules: { files: InstructionFile[]; paths: PathInstruction[] },
  context: ReadonlyMap<string, FileContext>,
) {
  const model = config.models[pipeline.model];
  const plan: PipelinePlan = {
    name: pipeline.name,
    severity: pipeline.severity,
    modelName: pipeline.model,
    calls: [],
  };
  const vars = (diff: string, paths: string[]): PromptVars => ({
    diff,
    files: paths,
    pr_title: change.title,
    pr_description: change.description,
    pipeline: pipeline.name,
    severity: pipeline.severity,
    repo: change.repo,
    base_branch: change.baseBranch,
    head_branch: change.headBranch,
  });
  const tokensOf = (messages: ChatMessage[]) =>
    messages.reduce((n, m) => n + countTokens(m.content) + 8, 0);
  const messagesOf = (diff: string, paths: string[]) =>
    buildMessages(template, vars(diff, paths), renderTeamRules(rules.files, rules.paths, paths));
  // The prompt without a diff, but with every path listed and every path instruction matching
  // one: an upper bound of what each call adds.
  const overhead = tokensOf(messagesOf("", files.map((f) => f.path)));
  const budget = model.context_window - model.max_tokens - overhead - SAFETY_TOKENS;
  const none = {
    plan,
    chunks: [] as PlannedCall[],
    leftOut: [] as Omit<NotReviewed, "pipeline">[],
  };
  if (files.length === 0) return none;
  if (budget <= 0) {
    plan.error = `the prompt of pipeline ${pipeline.name} (about ${overhead} tokens) plus ` +
      `max_tokens (${model.max_tokens}) leaves no room for a diff in model ${pipeline.model}'s ` +
      `context_window (${model.context_window})${rulesShare(rules, files)}`;
    return none;
  }
  const packed = packFiles(files, {
    budgetTokens: budget,
    maxChunks: config.review.max_llm_calls,
    context: {
      mode: config.review.context,
      files: context,
      fileTokens: config.review.context_file_tokens,
    },
  });
  const chunks: PlannedCall[] = packed.chunks.map((chunk) => {
    const paths = [...new Set(chunk.files.map((f) => f.file.path))];
    const messages = messagesOf(chunk.files.map((f) => f.text).join(""), paths);
    return { messages, paths, tokens: overhead + chunk.tokens };
  });
  // The packer stops at max_llm_calls chunks itself; what it left out lacks calls like any chunk
  // the round-robin cannot place.
  const leftOut = packed.notReviewed.map((n) => ({ path: n.path, reason: n.reason }));
  return { plan, chunks, leftOut };
}

// The part of a prompt too large for its model that the team's rules take, so the error says
// which knob to turn.
function rulesShare(
  rules: { files: InstructionFile[]; paths: PathInstruction[] },
  files: DiffFile[],
): string {
  const text = renderTeamRules(rules.files, rules.paths, files.map((f) => f.path));
  if (text === "") return "";
  return `; the team's rules take about ${countTokens(text)} of those tokens ` +
    "(review.instructions_max_tokens, path_instructions)";
}
