import assert from "node:assert/strict";
import { RepoConfigSchema } from "./schema.ts";

const minimal = {
  models: { default: { base_url: "http://localhost:11434/v1", model: "qwen2.5-coder" } },
  pipelines: [{ name: "security", prompt_file: ".loom/prompts/security.md" }],
};

Deno.test("a minimal config gets every documented default", () => {
  const config = RepoConfigSchema.parse(minimal);
  assert.deepEqual(config.models.default, {
    base_url: "http://localhost:11434/v1",
    model: "qwen2.5-coder",
    temperature: 0,
    max_tokens: 2000,
    context_window: 32768,
    timeout_s: 120,
    structured_output: "json_schema",
    stream: false,
    token_param: "max_tokens",
  });
  assert.deepEqual(config.pipelines[0], {
    name: "security",
    model: "default",
    prompt_file: ".loom/prompts/security.md",
    severity: "warning",
    include: [],
    exclude: [],
    enabled: true,
    fallback: [],
    path_instructions: [],
  });
  assert.deepEqual(config.triggers, {
    branches: [],
    drafts: false,
    ignore_paths: [],
    max_changes: 1000,
    ignore_authors: [],
    ignore_titles: [],
    labels: [],
    skip_labels: [],
  });
  assert.deepEqual(config.review, {
    summary: true,
    inline: true,
    max_inline_comments: 25,
    min_severity: "info",
    max_llm_calls: 10,
    incremental: true,
    auto_pause_after: 0,
    min_score: 5,
    instructions_files: [".loom/instructions.md", "AGENTS.md", "CLAUDE.md", "REVIEW.md"],
    instructions_max_tokens: 4000,
    show_cost: true,
    context: "scope",
    context_file_tokens: 2000,
  });
  assert.deepEqual(config.path_instructions, []);
});

Deno.test("every option can be set explicitly", () => {
  const config = RepoConfigSchema.parse({
    models: {
      big: {
        base_url: "https://api.openai.com/v1",
        api_key_env: "OPENAI_API_KEY",
        model: "gpt-4o",
        temperature: 0.2,
        max_tokens: 4000,
        context_window: 128000,
        timeout_s: 30,
        structured_output: "json_object",
      },
    },
    pipelines: [{
      name: "docs",
      model: "big",
      prompt_file: "builtin:quality",
      severity: "info",
      include: ["docs/**"],
      exclude: ["docs/generated/**"],
      enabled: false,
    }],
    triggers: {
      branches: ["release/*"],
      drafts: true,
      ignore_paths: ["*.lock"],
      max_changes: 50,
      ignore_authors: ["dependabot[bot]", "renovate*"],
      ignore_titles: ["WIP", "[skip review]"],
      labels: ["review-me"],
      skip_labels: ["no-review"],
    },
    review: {
      summary: false,
      inline: false,
      max_inline_comments: 0,
      min_severity: "warning",
      max_llm_calls: 3,
      incremental: false,
      auto_pause_after: 5,
      context: "file",
      context_file_tokens: 500,
    },
  });
  assert.deepEqual(config.triggers.ignore_titles, ["WIP", "[skip review]"]);
  assert.equal(config.review.auto_pause_after, 5);
  assert.equal(config.models.big.structured_output, "json_object");
  assert.equal(config.pipelines[0].enabled, false);
  assert.deepEqual(config.triggers.branches, ["release/*"]);
  assert.equal(config.review.min_severity, "warning");
  assert.equal(config.review.incremental, false);
  assert.equal(config.review.context, "file");
  assert.equal(config.review.context_file_tokens, 500);
});

Deno.test("review.context is one of hunks, scope and file", () => {
  const base = {
    models: { default: { base_url: "http://localhost:11434/v1", model: "m" } },
    pipelines: [{ name: "q", prompt_file: "builtin:quality" }],
  };
  assert.equal(RepoConfigSchema.safeParse({ ...base, review: { context: "all" } }).success, false);
  assert.equal(
    RepoConfigSchema.safeParse({ ...base, review: { context_file_tokens: -1 } }).success,
    false,
  );
});

Deno.test("unknown keys are rejected at every level", () => {
  for (
    const input of [
      { ...minimal, extra: 1 },
      { ...minimal, models: { default: { ...minimal.models.default, temprature: 0 } } },
      { ...minimal, pipelines: [{ ...minimal.pipelines[0], sevrity: "info" }] },
      { ...minimal, triggers: { branch: ["main"] } },
      { ...minimal, review: { max_comments: 3 } },
    ]
  ) {
    const result = RepoConfigSchema.safeParse(input);
    assert.equal(result.success, false, JSON.stringify(input));
    assert.equal(result.error?.issues[0].code, "unrecognized_keys");
  }
});

Deno.test("a pipeline must use a defined model, and pipeline names are unique", () => {
  const result = RepoConfigSchema.safeParse({
    ...minimal,
    models: { local: minimal.models.default },
    pipelines: [
      { name: "a", model: "local", prompt_file: "builtin:security" },
      { name: "a", prompt_file: "builtin:quality" },
    ],
  });
  assert.equal(result.success, false);
  assert.deepEqual(result.error?.issues.map((i) => [i.path.join("."), i.message]), [
    [
      "pipelines.1.name",
      'duplicate pipeline name "a" (pipelines[0] has it too); pipeline names must be unique',
    ],
    [
      "pipelines.1.model",
      'model "default" is not defined under models (defined: local); a pipeline without "model" uses the model named default',
    ],
  ]);
});

Deno.test("cross-field checks still run when another field is invalid", () => {
  const result = RepoConfigSchema.safeParse({
    ...minimal,
    models: { default: { ...minimal.models.default, max_tokens: 1.5 } },
    pipelines: [{ name: "a", model: "missing", prompt_file: "builtin:security" }],
  });
  assert.deepEqual(result.error?.issues.map((i) => i.path.join(".")), [
    "models.default.max_tokens",
    "pipelines.0.model",
  ]);
});

Deno.test("values outside their range or type are rejected", () => {
  const bad: [string, unknown][] = [
    ["base_url", "ftp://example.com"],
    ["base_url", "not a url"],
    ["api_key_env", "MY-KEY"],
    ["model", ""],
    ["temperature", 2.5],
    ["temperature", -1],
    ["max_tokens", 0],
    ["context_window", 100],
    ["timeout_s", 0],
    ["structured_output", "xml"],
  ];
  for (const [key, value] of bad) {
    const input = { ...minimal, models: { default: { ...minimal.models.default, [key]: value } } };
    assert.equal(RepoConfigSchema.safeParse(input).success, false, `${key}: ${value}`);
  }
  for (const severity of ["critical", "Blocker"]) {
    const input = { ...minimal, pipelines: [{ ...minimal.pipelines[0], severity }] };
    assert.equal(RepoConfigSchema.safeParse(input).success, false, severity);
  }
  assert.equal(RepoConfigSchema.safeParse({ ...minimal, pipelines: [] }).success, false);
  assert.equal(RepoConfigSchema.safeParse({ ...minimal, models: {} }).success, false);
});

Deno.test("prompt_file must stay inside .loom/ or name a built-in prompt", () => {
  for (const prompt_file of ["../prompts/x.md", "/etc/passwd", "prompts/x.md", "builtin:nope"]) {
    const input = { ...minimal, pipelines: [{ ...minimal.pipelines[0], prompt_file }] };
    const result = RepoConfigSchema.safeParse(input);
    assert.equal(result.success, false, prompt_file);
    assert.deepEqual(result.error?.issues[0].path, ["pipelines", 0, "prompt_file"]);
  }
});
