import assert from "node:assert/strict";
import { formatConfigError } from "./config_error.ts";
import { parseRepoConfig } from "./parse.ts";
import type { ConfigPolicy } from "./policy.ts";

const FILE = ".loom/config.yaml";
// Key-less endpoints must be listed (issue 10): the fixtures' hosts are.
const LISTED = ["https://api.openai.com/v1", "http://localhost:11434", "http://x"];
const open: ConfigPolicy = {
  allowedKeyEnvs: ["OPENAI_API_KEY", "OLLAMA_API_KEY"],
  allowedBaseUrls: LISTED,
};

const EXAMPLE = `models:
  default: {base_url: https://api.openai.com/v1, api_key_env: OPENAI_API_KEY, model: gpt-4, temperature: 0.0, max_tokens: 4000}
  local: {base_url: http://localhost:11434/v1, api_key_env: OLLAMA_API_KEY, model: codellama:13b, temperature: 0.0, max_tokens: 2000}
pipelines:
  - {name: security, model: default, prompt_file: .loom/prompts/security.md, severity: blocker}
  - {name: quality, model: default, prompt_file: .loom/prompts/quality.md, severity: warning}
triggers:
  branches: ["main", "develop"]
  ignore_paths: ["*.lock", "dist/**"]
  max_changes: 1000
`;

/** The formatted errors, or [] when the config parsed. */
function errorsOf(text: string, policy: ConfigPolicy = open): string[] {
  const result = parseRepoConfig(text, FILE, policy);
  return result.ok ? [] : result.errors.map(formatConfigError);
}

Deno.test("the documented example parses as-is", () => {
  const result = parseRepoConfig(EXAMPLE, FILE, open);
  assert.ok(result.ok, JSON.stringify(result));
  const { config } = result;
  assert.deepEqual(Object.keys(config.models), ["default", "local"]);
  assert.equal(config.models.local.model, "codellama:13b");
  assert.equal(config.models.default.max_tokens, 4000);
  assert.equal(config.models.default.temperature, 0);
  assert.deepEqual(
    config.pipelines.map((p) => [p.name, p.model, p.prompt_file, p.severity]),
    [
      ["security", "default", ".loom/prompts/security.md", "blocker"],
      ["quality", "default", ".loom/prompts/quality.md", "warning"],
    ],
  );
  assert.deepEqual(config.triggers, {
    branches: ["main", "develop"],
    drafts: false,
    ignore_paths: ["*.lock", "dist/**"],
    max_changes: 1000,
    ignore_authors: [],
    ignore_titles: [],
    labels: [],
    skip_labels: [],
  });
  assert.equal(config.review.max_inline_comments, 25);
});

Deno.test("a wrong value is reported at the value", () => {
  const text = `models:
  default:
    base_url: http://localhost:11434/v1
    model: m
    temperature: hot
pipelines:
  - name: security
    prompt_file: builtin:security
    severity: critical
`;
  assert.deepEqual(errorsOf(text), [
    `${FILE}:5:18: models.default.temperature: must be a number, got "hot"`,
    `${FILE}:9:15: pipelines[0].severity: must be one of "blocker", "warning", "info", got "critical"`,
  ]);
});

Deno.test("an unknown key is reported at the key, with the allowed keys", () => {
  const text = `models:
  default: {base_url: "http://x", model: m, temprature: 0}
pipelines:
  - name: a
    prompt_file: builtin:security
    sevrity: blocker
revew: {}
`;
  assert.deepEqual(errorsOf(text), [
    `${FILE}:2:45: unknown key "temprature" in models.default (allowed keys: base_url, ` +
    `api_key_env, model, temperature, token_param, stream, max_concurrency, max_tokens, context_window, timeout_s, structured_output)`,
    `${FILE}:6:5: unknown key "sevrity" in pipelines[0] (allowed keys: name, model, ` +
    `prompt_file, severity, include, exclude, enabled, fallback, verify, verify_model, path_instructions)`,
    `${FILE}:7:1: unknown key "revew" (allowed keys: models, pipelines, triggers, review, path_instructions)`,
  ]);
});

Deno.test("a missing required key is reported at the mapping that lacks it", () => {
  const text = `models:
  default:
    base_url: http://x
pipelines:
  - name: a
  - {prompt_file: builtin:quality}
`;
  assert.deepEqual(errorsOf(text), [
    `${FILE}:3:5: missing required key "model" in models.default`,
    `${FILE}:5:5: missing required key "prompt_file" in pipelines[0]`,
    `${FILE}:6:5: missing required key "name" in pipelines[1]`,
  ]);
  assert.deepEqual(errorsOf("triggers: {}\n"), [
    `${FILE}:1:1: missing required key "models"`,
    `${FILE}:1:1: missing required key "pipelines"`,
  ]);
});

Deno.test("an empty value is reported at its key", () => {
  const text = `models:
  default: {base_url: "http://x", model: m}
pipelines:
  - {name: a, prompt_file: builtin:security}
review:
  min_severity:
`;
  assert.deepEqual(errorsOf(text), [
    `${FILE}:6:3: review.min_severity: must be one of "blocker", "warning", "info", got nothing`,
  ]);
});

Deno.test("every problem in the file is reported in one pass, in file order", () => {
  const text = `models:
  default:
    base_url: ftp://x
    max_tokens: 1.5
pipelines:
  - name: security
    model: gpt
    prompt_file: ../../etc/passwd
  - name: security
    prompt_file: builtin:quality
    include: [src/**, 3]
triggers:
  max_changes: 0
`;
  assert.deepEqual(errorsOf(text), [
    `${FILE}:3:5: missing required key "model" in models.default`,
    `${FILE}:3:15: models.default.base_url: must be an http:// or https:// URL, like https://api.openai.com/v1`,
    `${FILE}:4:17: models.default.max_tokens: must be a whole number`,
    `${FILE}:7:12: pipelines[0].model: model "gpt" is not defined under models (defined: default)`,
    `${FILE}:8:18: pipelines[0].prompt_file: "../../etc/passwd" is not allowed: use a relative ` +
    `path inside .loom/ (like .loom/prompts/review.md; letters, digits, ".", "_", "-" and "/" ` +
    `only, no ".." segments) or a built-in prompt (builtin:security, builtin:quality)`,
    `${FILE}:9:11: pipelines[1].name: duplicate pipeline name "security" (pipelines[0] has it ` +
    `too); pipeline names must be unique`,
    `${FILE}:11:23: pipelines[1].include[1]: must be a string, got 3`,
    `${FILE}:13:16: triggers.max_changes: must be at least 1`,
  ]);
});

Deno.test("every YAML syntax error is reported with its position", () => {
  const text = `models:
  default: {base_url: http://x, model: m
pipelines: [a, b
name: 'unterminated
`;
  assert.deepEqual(errorsOf(text), [
    `${FILE}:3:1: invalid YAML: Flow map in block collection must be sufficiently indented ` +
    `and end with a }`,
    `${FILE}:4:1: invalid YAML: Flow sequence in block collection must be sufficiently ` +
    `indented and end with a ]`,
    `${FILE}:5:1: invalid YAML: Missing closing 'quote`,
  ]);
  assert.deepEqual(errorsOf("models: {}\nmodels: {}\n\tpipelines: []\n"), [
    `${FILE}:2:1: invalid YAML: Map keys must be unique`,
    `${FILE}:3:1: invalid YAML: Tabs are not allowed as indentation`,
  ]);
});

Deno.test("an empty file or a non-mapping document says what is expected", () => {
  assert.deepEqual(errorsOf(""), [
    `${FILE}:1:1: the config must be a mapping with models and pipelines, got nothing`,
  ]);
  assert.deepEqual(errorsOf("- a\n- b\n"), [
    `${FILE}:1:1: the config must be a mapping with models and pipelines, got a list`,
  ]);
});

Deno.test("a key variable outside the policy is an error at the value naming the setting", () => {
  const errors = errorsOf(EXAMPLE, { allowedKeyEnvs: ["OPENAI_API_KEY"], allowedBaseUrls: LISTED });
  // Issue 10: keys are bound in LOOM_LLM_KEYS, so that is the setting the message names.
  assert.deepEqual(errors, [
    `${FILE}:3:61: models.local.api_key_env: OLLAMA_API_KEY is not an allowed key variable: a ` +
    `repository config may name LOOM_LLM_API_KEY or a variable bound in ` +
    `LOOM_LLM_KEYS (currently OPENAI_API_KEY); to allow it, add OLLAMA_API_KEY=<its base URL> to ` +
    `LOOM_LLM_KEYS on the Loom server`,
  ]);
});

Deno.test("the server's own key variable is always allowed, for the server's endpoint only", () => {
  const text = EXAMPLE.replaceAll(/OPENAI_API_KEY|OLLAMA_API_KEY/g, "LOOM_LLM_API_KEY");
  // Issue 10: LOOM_LLM_API_KEY goes only to LOOM_LLM_BASE_URL (OpenAI's by default), so the
  // local model that named it is refused at its base_url, and only there.
  assert.deepEqual(errorsOf(text, { allowedKeyEnvs: [] }).map((e) => e.split(": ")[0]), [
    `${FILE}:3:21`,
  ]);
  const onlyServer = text.replace(/\n {2}local: .*\n/, "\n");
  assert.deepEqual(errorsOf(onlyServer, { allowedKeyEnvs: [] }), []);
});

Deno.test("a base_url outside LOOM_LLM_ALLOWED_BASE_URLS is an error at the value", () => {
  const errors = errorsOf(EXAMPLE, { ...open, allowedBaseUrls: ["https://api.openai.com/"] });
  assert.deepEqual(errors, [
    `${FILE}:3:21: models.local.base_url: http://localhost:11434/v1 is not an allowed endpoint: ` +
    `base_url must equal or start with a URL listed in LOOM_LLM_ALLOWED_BASE_URLS (currently ` +
    `https://api.openai.com/); to allow it, add it to LOOM_LLM_ALLOWED_BASE_URLS on the Loom server`,
  ]);
});

Deno.test("policy errors are reported alongside schema errors", () => {
  const text = `models:
  default: {base_url: "https://evil.example/v1", api_key_env: AWS_SECRET_ACCESS_KEY, model: m}
pipelines:
  - {name: a, prompt_file: builtin:nope}
`;
  const errors = errorsOf(text, {
    allowedKeyEnvs: [],
    allowedBaseUrls: ["https://api.openai.com"],
  });
  assert.deepEqual(errors.map((e) => e.split(": ")[0]), [
    `${FILE}:2:23`,
    `${FILE}:2:63`,
    `${FILE}:4:28`,
  ]);
});

Deno.test("aliases resolve, and positions of errors behind them point at the anchor", () => {
  const text = `models:
  default: &m {base_url: "http://x", model: m, max_tokens: -5}
  other: *m
pipelines:
  - {name: a, prompt_file: builtin:security}
`;
  assert.deepEqual(errorsOf(text), [
    `${FILE}:2:60: models.default.max_tokens: must be at least 1`,
    `${FILE}:2:60: models.other.max_tokens: must be at least 1`,
  ]);
});

/** A config's first lines up to its one pipeline's prompt_file, for tests of the globs after. */
const QUALITY_ONLY = [
  "models:",
  "  default: {base_url: http://localhost:11434/v1, model: m}",
  "pipelines:",
  "  - name: quality",
  "    prompt_file: builtin:quality",
];

Deno.test("a negated glob is refused at its position, pointing at exclude", () => {
  const text = [
    ...QUALITY_ONLY,
    '    include: ["src/**", "!src/vendor/**"]',
    "",
  ].join("\n");
  const result = parseRepoConfig(text, ".loom/config.yaml", open);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0].line, 6);
  assert.match(result.errors[0].message, /negated patterns .* exclude/);
});

Deno.test("catastrophic globs: a config with an extglob, nested braces or too many wildcards is refused at each glob's position, saying why", () => {
  const text = [
    ...QUALITY_ONLY,
    '    include: ["src/{a,{b,c}}/**"]',
    '    exclude: ["*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*z"]',
    "triggers:",
    '  ignore_paths: ["@(*|*)@(*|*)@(*|*)@(*|*)@(*|*)@(*|*)z"]',
    '  branches: ["release/+(x)"]',
    "",
  ].join("\n");
  const errors = errorsOf(text);
  assert.equal(errors.length, 4, errors.join("\n"));
  const expected = [
    /^\.loom\/config\.yaml:6:15: pipelines\[0\]\.include\[0\]: nested braces .* not supported/,
    /^\.loom\/config\.yaml:7:15: pipelines\[0\]\.exclude\[0\]: a glob may hold at most 16 wildcards/,
    /^\.loom\/config\.yaml:9:18: triggers\.ignore_paths\[0\]: extglobs .* are not supported: they can make matching take exponential time/,
    /^\.loom\/config\.yaml:10:14: triggers\.branches\[0\]: extglobs .* are not supported/,
  ];
  expected.forEach((pattern, i) => assert.match(errors[i], pattern));
});

Deno.test("skip rules and auto-pause: bad values are errors at their line and column", () => {
  const text = [
    ...QUALITY_ONLY,
    "triggers:",
    '  ignore_authors: ["dependabot[bot]", "@(a|b)"]',
    '  ignore_titles: ["WIP", ""]',
    "  labels: review-me",
    `  skip_labels: ["${"x".repeat(257)}"]`,
    "review:",
    "  auto_pause_after: -1",
    "",
  ].join("\n");
  const errors = errorsOf(text);
  assert.equal(errors.length, 5, errors.join("\n"));
  assert.match(errors[0], /^\.loom\/config\.yaml:7:39: triggers\.ignore_authors\[1\]: extglobs /);
  assert.deepEqual(errors.slice(1), [
    ".loom/config.yaml:8:26: triggers.ignore_titles[1]: a title word must not be empty",
    '.loom/config.yaml:9:11: triggers.labels: must be a list, got "review-me"',
    ".loom/config.yaml:10:17: triggers.skip_labels[0]: a label may be at most 256 characters long",
    ".loom/config.yaml:12:21: review.auto_pause_after: must be at least 0",
  ]);
});

Deno.test("team rules: instruction files and path instructions parse, bad ones are errors at their line and column", () => {
  const good = [
    ...QUALITY_ONLY,
    "review:",
    "  instructions_files: [AGENTS.md, docs/REVIEW.md]",
    "  instructions_max_tokens: 1000",
    "path_instructions:",
    '  - {path: "src/api/**", instructions: "Every handler checks the session."}',
    "",
  ].join("\n");
  const parsed = parseRepoConfig(good, FILE, open);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  assert.deepEqual(parsed.config.review.instructions_files, ["AGENTS.md", "docs/REVIEW.md"]);
  assert.deepEqual(parsed.config.path_instructions, [
    { path: "src/api/**", instructions: "Every handler checks the session." },
  ]);

  const text = [
    "models:",
    "  default: {base_url: http://x/v1, model: m}",
    "pipelines:",
    "  - name: quality",
    "    prompt_file: builtin:quality",
    "    path_instructions:",
    '      - {path: "@(a|b)", instructions: "x"}',
    "review:",
    '  instructions_files: ["../secrets.md", "/etc/passwd"]',
    "  instructions_max_tokens: 20000",
    "path_instructions:",
    '  - {path: "src/**", instructions: ""}',
    `  - {path: "lib/**", instructions: "${"y".repeat(4001)}"}`,
    '  - {path: "x/**", instruction: "typo"}',
    "",
  ].join("\n");
  const errors = errorsOf(text);
  assert.equal(errors.length, 8, errors.join("\n"));
  assert.match(
    errors[0],
    /^\.loom\/config\.yaml:7:16: pipelines\[0\]\.path_instructions\[0\]\.path: extglobs /,
  );
  assert.deepEqual(errors.slice(1).map((e) => e.replace(/\(allowed keys.*\)/, "(…)")), [
    ".loom/config.yaml:9:24: review.instructions_files[0]: must be a relative path inside the " +
    'repository (letters, digits, ".", "_", "-" and "/" only, no ".." segments), like AGENTS.md ' +
    "or docs/REVIEW.md",
    ".loom/config.yaml:9:41: review.instructions_files[1]: must be a relative path inside the " +
    'repository (letters, digits, ".", "_", "-" and "/" only, no ".." segments), like AGENTS.md ' +
    "or docs/REVIEW.md",
    ".loom/config.yaml:10:28: review.instructions_max_tokens: must be at most 16000",
    ".loom/config.yaml:12:36: path_instructions[0].instructions: must not be empty",
    ".loom/config.yaml:13:36: path_instructions[1].instructions: may be at most 4000 characters long",
    '.loom/config.yaml:14:5: missing required key "instructions" in path_instructions[2]',
    '.loom/config.yaml:14:20: unknown key "instruction" in path_instructions[2] (…)',
  ]);
});
