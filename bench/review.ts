/**
 * Review engine benchmark: Loom's own time for a whole review (parse the diff, select, pack,
 * render prompts, parse the model's answers, anchor, dedupe, summarise) with a zero-latency fake
 * model answering in-process, so only Loom is measured. Prints one JSON line.
 *
 *   deno task bench:review [--runs N]
 */
import { parseArgs } from "node:util";
import { parseRepoConfig } from "../src/repo_config/mod.ts";
import { reviewDiff } from "../src/review/mod.ts";
import { countTokens } from "../src/review/tokens.ts";
import { syntheticDiff as makeDiff } from "../tests/fakes/synthetic_diff.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "15" } },
});
const runs = Number(values.runs);

// Estimated tokens of every prompt sent since the last reset: what context costs per review.
let promptTokens = 0;

/** Answers every chat call at once with one finding per file of the chunk, on its first hunk. */
const fakeFetch: typeof fetch = async (_input, init) => {
  const body = JSON.parse(String(init?.body));
  const prompt: string = body.messages.map((m: { content: string }) => m.content).join("\n");
  promptTokens += countTokens(prompt);
  const findings = [];
  for (const match of prompt.matchAll(/^\+\+\+ b\/(\S+)\n@@ -\d+,\d+ \+(\d+)/gm)) {
    findings.push({
      path: match[1],
      line: Number(match[2]) + 4,
      end_line: null,
      severity: null,
      title: "Unchecked result of service.call",
      body: "The call may fail; handle the error or document why it cannot.",
      suggestion: null,
    });
  }
  await Promise.resolve();
  return new Response(
    JSON.stringify({
      id: "bench",
      object: "chat.completion",
      created: 0,
      model: body.model,
      choices: [{
        index: 0,
        message: { role: "assistant", content: JSON.stringify({ findings }) },
        finish_reason: "stop",
      }],
      usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 },
    }),
    { headers: { "content-type": "application/json" } },
  );
};

const CONFIG = `models:
  default: {base_url: http://127.0.0.1:9/v1, model: bench, context_window: 128000, max_tokens: 4000}
pipelines:
  - {name: security, prompt_file: builtin:security, severity: blocker}
  - {name: quality, prompt_file: builtin:quality, severity: warning}
triggers: {max_changes: 100000}
review: {max_llm_calls: 50}
`;
// The bench's model is the server's own endpoint, the one a config may always call.
const parsed = parseRepoConfig(CONFIG, "bench.yaml", {
  allowedKeyEnvs: [],
  serverBaseUrl: "http://127.0.0.1:9/v1",
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
const config = parsed.config;

// The team's rules a repository might keep: a 3 KB AGENTS.md, sent with every call, and one path
// instruction matching every file, so the prompt tokens they cost are visible next to `small`.
const AGENTS_MD = Array.from(
  { length: 40 },
  (_, i) => `- Rule ${i}: handlers validate their input and log through the shared logger.\n`,
).join("");
const withRules = {
  ...config,
  path_instructions: [{ path: "**", instructions: "Every exported function has a doc comment." }],
};

/**
 * Loom's time and the prompt tokens of one review of `files` files changing `lines` lines. With
 * `context`, that `review.context` and the files' new side to read it from; with `rules`, that
 * config and the repository files it reads; without either, the diff alone (the figures this
 * bench has always printed).
 */
async function measure(
  files: number,
  lines: number,
  options: {
    context?: "hunks" | "scope" | "file";
    rules?: { config: typeof config; files: Record<string, string> };
  } = {},
) {
  const { context, rules } = options;
  const { diff, sources } = makeDiff(files, lines);
  const base = rules?.config ?? config;
  const reviewConfig = context ? { ...base, review: { ...base.review, context } } : base;
  const times: number[] = [];
  let findings = 0;
  let calls = 0;
  let tokens = 0;
  for (let i = 0; i < runs + 2; i++) {
    promptTokens = 0;
    const started = performance.now();
    const result = await reviewDiff({
      diff,
      config: reviewConfig,
      change: {
        title: "Bench",
        description: "",
        repo: "bench/bench",
        baseBranch: "main",
        headBranch: "x",
      },
      readRepoFile: (path) => Promise.resolve(rules?.files[path] ?? null),
      ...(context
        ? { readHeadFile: (path: string) => Promise.resolve(sources.get(path) ?? null) }
        : {}),
      env: {},
      fetch: fakeFetch,
    });
    const elapsed = performance.now() - started;
    if (i >= 2) times.push(elapsed); // the first runs warm up the JIT
    findings = result.findings.length;
    calls = result.usage.calls;
    tokens = promptTokens;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] * 10) / 10;
  return {
    files,
    changed_lines: lines,
    llm_calls: calls,
    findings,
    prompt_tokens: tokens,
    p50_ms: at(0.5),
    p90_ms: at(0.9),
  };
}

const small = await measure(20, 500);
const large = await measure(400, 20_000);
const smallWithRules = await measure(20, 500, {
  rules: { config: withRules, files: { "AGENTS.md": AGENTS_MD } },
});
// What the code around the hunks costs: prompt tokens per review of the 500-line case for each
// review.context, and Loom's time with it (reading the files is in-process here).
const context: Record<string, { prompt_tokens: number; p50_ms: number }> = {};
for (const mode of ["hunks", "scope", "file"] as const) {
  const { prompt_tokens, p50_ms } = await measure(20, 500, { context: mode });
  context[mode] = { prompt_tokens, p50_ms };
}
console.log(
  JSON.stringify({
    bench: "review",
    runs,
    small,
    large,
    small_with_rules: smallWithRules,
    context,
  }),
);
