/**
 * `loom review`: reviews the changes of a local git repository with the same engine the server
 * uses, with no server and no database, so a team can try Loom on its own code and model in one
 * command and gate any CI on it.
 * @module
 */
import { resolve } from "node:path";
import { MAX_CONTEXT_FILE_BYTES } from "../context/mod.ts";
import { processLimiter } from "../llm/mod.ts";
import { keyEnv } from "../repo_config/mod.ts";
import {
  renderSummary,
  renderText,
  reviewDiff,
  type ReviewResult,
  toSarif,
} from "../review/mod.ts";
import { parseCommand } from "./args.ts";
import { type CliIo, EXIT } from "./io.ts";
import { localConfig, readOrNull } from "./local_config.ts";
import { settingsFrom } from "./settings.ts";
import {
  changeDescription,
  changeDiff,
  fileAtRef,
  fileSizeAtRef,
  GitError,
  resolveCommit,
} from "./local_git.ts";
import { VERSION } from "./version.ts";

const USAGE = `Usage: loom review --base REF [--head REF | --working-tree] [--repo-dir DIR]
                   [--config FILE] [--format text|markdown|json|sarif]

Reviews the changes from the merge base of REF to --head (default HEAD), or to the work tree
with --working-tree, and prints the findings. No server or database is involved.

  --base REF       the branch or commit the change goes into (required), e.g. origin/main
  --head REF       the commit under review (default HEAD)
  --working-tree   review uncommitted changes too (untracked files are not included)
  --repo-dir DIR   the repository (default: the current directory)
  --config FILE    a config file on disk instead of .loom/config.yaml at the base ref
  --format F       text (default), markdown (the summary comment), json, or sarif (2.1.0)

The config, prompts and the team's instruction files (review.instructions_files: AGENTS.md…)
are read from the base ref (a change cannot rewrite its own reviewer), from the work tree with
--working-tree, or from disk with --config. Without a config, the
built-in security and quality pipelines run on LOOM_LLM_BASE_URL / LOOM_LLM_MODEL with the key
in LOOM_LLM_API_KEY.

Exit status: 0 no blocker, 1 a blocker finding (or every pipeline failed), 2 bad usage or config.`;

const FLAGS = {
  base: { type: "string" },
  head: { type: "string" },
  "working-tree": { type: "boolean" },
  "repo-dir": { type: "string" },
  config: { type: "string" },
  format: { type: "string", default: "text" },
} as const;

const FORMATS = ["text", "markdown", "json", "sarif"] as const;
type Format = typeof FORMATS[number];

/** Runs `loom review`. */
export async function reviewCommand(
  args: string[],
  io: CliIo,
  deps: { fetch?: typeof fetch } = {},
): Promise<number> {
  const parsed = parseCommand(args, FLAGS, USAGE, io);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const usage = (why: string) => (io.stderr(`loom review: ${why}\n\n${USAGE}`), EXIT.usage);
  if (parsed.positionals.length > 0) return usage(`unexpected argument ${parsed.positionals[0]}`);
  if (typeof values.base !== "string") return usage("--base is required");
  if (values.head !== undefined && values["working-tree"]) {
    return usage("--head and --working-tree exclude each other");
  }
  const format = values.format as Format;
  if (!FORMATS.includes(format)) return usage(`--format must be one of ${FORMATS.join(", ")}`);
  // Server settings supply the default model and validate the LOOM_LLM_* variables.
  const settings = settingsFrom({}, io);
  if (typeof settings === "number") return settings;

  const dir = resolve(io.cwd, (values["repo-dir"] as string | undefined) ?? ".");
  const workingTree = values["working-tree"] === true;
  try {
    const base = await resolveCommit(dir, values.base);
    const head = workingTree ? null : await resolveCommit(dir, (values.head as string) ?? "HEAD");
    const fromDisk = workingTree || values.config !== undefined;
    const readRepoFile = fromDisk
      ? (path: string) => readOrNull(resolve(dir, path))
      : (path: string) => fileAtRef(dir, base, path);

    const configFile = values.config !== undefined
      ? resolve(io.cwd, values.config as string)
      : ".loom/config.yaml";
    const configText = values.config !== undefined
      ? await readOrNull(configFile)
      : await readRepoFile(configFile);
    if (values.config !== undefined && configText === null) {
      return usage(`config file ${configFile} not found`);
    }
    const config = localConfig(configText, configFile, settings, io);
    if (typeof config === "number") return config;

    const diff = await changeDiff(dir, base, head);
    const described = head
      ? await changeDescription(dir, base, head)
      : { title: "Uncommitted changes", description: "" };
    const result = await reviewDiff({
      diff,
      config,
      change: {
        ...described,
        repo: dir.split("/").pop() ?? "",
        baseBranch: values.base,
        headBranch: (values.head as string | undefined) ?? (workingTree ? "(work tree)" : "HEAD"),
      },
      readRepoFile,
      warn: (message) => io.stderr(`loom review: ${message}`),
      // Context comes from the reviewed side: the head commit, or the working tree itself.
      readHeadFile: async (path) => {
        if (head) {
          const size = await fileSizeAtRef(dir, head, path);
          return size > MAX_CONTEXT_FILE_BYTES ? null : await fileAtRef(dir, head, path);
        }
        const info = await Deno.stat(resolve(dir, path)).catch(() => null);
        if (!info?.isFile || info.size > MAX_CONTEXT_FILE_BYTES) return null;
        return await readOrNull(resolve(dir, path));
      },
      env: keyEnv(io.env, settings.llm.apiKey),
      fetch: deps.fetch,
      maxResponseBytes: settings.llm.maxResponseBytes,
      retries: 2,
      limiter: processLimiter(settings.llm),
    });
    io.stdout(render(result, format));
    return exitCode(result, io);
  } catch (error) {
    if (error instanceof GitError) return usage(error.message);
    io.stderr(`loom review: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
}

function render(result: ReviewResult, format: Format): string {
  switch (format) {
    case "markdown":
      return renderSummary(result.summaryInput);
    case "sarif":
      return JSON.stringify(toSarif(result.findings, { version: VERSION }), null, 2);
    case "json":
      return JSON.stringify(
        {
          findings: result.findings,
          // Scored under review.min_score by the second look: not reported, kept to be seen.
          dropped_findings: result.pipelines.flatMap((p) => p.dropped ?? []),
          summary: {
            changes: result.plan.changes,
            skipped_reason: result.plan.skippedReason ?? null,
            pipelines: result.pipelines.map((p) => ({
              name: p.name,
              model: p.model,
              status: p.status,
              error: p.error ?? null,
              error_detail: p.errorDetail ?? null,
              findings: result.findings.filter((f) => f.pipeline === p.name).length,
              answered_by: p.answeredBy ?? [],
              model_failures: p.modelFailures ?? [],
              verification: p.verification ?? null,
              duration_ms: p.durationMs,
            })),
            skipped_files: result.plan.skippedFiles,
            not_reviewed: result.plan.notReviewed,
            dropped_unknown_path: result.droppedUnknownPath,
            markdown: renderSummary(result.summaryInput),
          },
          usage: {
            prompt_tokens: result.usage.promptTokens,
            completion_tokens: result.usage.completionTokens,
            calls: result.usage.calls,
          },
        },
        null,
        2,
      );
    case "text":
      return renderText(result.findings, result.summaryInput);
  }
}

function exitCode(result: ReviewResult, io: CliIo): number {
  const ran = result.pipelines.filter((p) => p.status !== "skipped");
  if (ran.length > 0 && ran.every((p) => p.status === "failed")) {
    io.stderr("loom review: every pipeline failed, so nothing was reviewed:");
    // The operator runs the CLI: it may see what the endpoint said, unlike a PR comment.
    for (const p of ran) io.stderr(`  ${p.name}: ${p.errorDetail ?? p.error}`);
    return EXIT.failure;
  }
  return result.findings.some((f) => f.severity === "blocker") ? EXIT.failure : EXIT.ok;
}
