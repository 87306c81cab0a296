import assert from "node:assert/strict";
import { findingMaker } from "./_finding_fixture.ts";
import { INJECTIONS } from "../../tests/support/injection_corpus.ts";
import { injections } from "../../tests/support/rendered_markdown.ts";
import {
  type PipelineSummary,
  renderConfigErrorSummary,
  renderSummary,
  type SummaryInput,
} from "./summary.ts";

const finding = findingMaker();
const CFG = ".loom/config.yaml";

function pipeline(more: Partial<PipelineSummary>): PipelineSummary {
  return {
    name: "security",
    model: "gpt-4o",
    status: "succeeded",
    findings: 0,
    usage: { promptTokens: 0, completionTokens: 0, calls: 0 },
    ...more,
  };
}

function input(more: Partial<SummaryInput>): SummaryInput {
  return {
    findings: [],
    pipelines: [],
    skippedFiles: [],
    notReviewed: [],
    droppedUnknownPath: 0,
    ...more,
  };
}

const FULL = input({
  findings: [
    finding({ path: "src/db.ts", line: 12, severity: "blocker", title: "SQL injection" }),
    finding({ path: "src/app.ts", line: 40, end_line: 42, severity: "info", pipeline: "style" }),
    finding({
      path: "src/app.ts",
      line: 300,
      title: "Stale cache",
      body: "The cache is never cleared.",
      inDiff: false,
    }),
  ],
  pipelines: [
    pipeline({
      name: "security",
      findings: 2,
      usage: { promptTokens: 12345, completionTokens: 678, calls: 2 },
    }),
    pipeline({ name: "style", model: "llama3", findings: 1 }),
    pipeline({ name: "docs", status: "failed", error: "HTTP 500: upstream timed out" }),
  ],
  skippedFiles: [{ path: "package-lock.json", reason: "lockfile" }],
  notReviewed: [{ path: "src/huge.ts", reason: "too_large" }],
  droppedUnknownPath: 2,
  headSha: "0123456789abcdef0123456789abcdef01234567",
  inlinePosted: true,
});

function section(text: string, heading: string): string {
  const start = text.indexOf(`### ${heading}\n`);
  assert.ok(start >= 0, `no "${heading}" section in:\n${text}`);
  const next = text.indexOf("\n### ", start + 1);
  return text.slice(start, next < 0 ? undefined : next);
}

Deno.test("the summary counts findings by severity and says when the review is incomplete", () => {
  const text = renderSummary(FULL);
  assert.ok(text.startsWith("## Loom review\n"));
  assert.ok(text.includes("`0123456789ab`"));
  assert.ok(text.includes("**3 findings:** 🔴 1 blocker · 🟡 1 warning · 🔵 1 info"));
  assert.ok(text.includes("incomplete:** 1 pipeline failed, 1 file not reviewed"));
  assert.ok(text.includes("2 findings named files outside this change and were dropped"));
});

Deno.test("in-diff findings are grouped by file, sorted, with severity, pipeline and place", () => {
  const findings = section(renderSummary(FULL), "Findings");
  const app = findings.indexOf("**`src/app.ts`**");
  const db = findings.indexOf("**`src/db.ts`**");
  assert.ok(app >= 0 && db > app, findings);
  assert.ok(findings.includes("- 🔵 info · style · `src/app.ts:40-42` — **A finding**"));
  assert.ok(findings.includes("- 🔴 blocker · security · `src/db.ts:12` — **SQL injection**"));
  assert.ok(!findings.includes("Stale cache"), "outside-the-diff findings have their own section");
  assert.ok(!findings.includes("Why it matters"), "bodies are in the inline comments");
});

Deno.test("without inline comments the summary carries each finding's body", () => {
  const findings = section(renderSummary({ ...FULL, inlinePosted: false }), "Findings");
  assert.ok(findings.includes("  > Why it matters."), findings);
});

Deno.test("findings outside the diff are listed with their full body and suggestion", () => {
  const withSuggestion = {
    ...FULL,
    findings: [
      ...FULL.findings,
      finding({ line: 500, title: "Dead code", inDiff: false, suggestion: "return x;" }),
    ],
  };
  const outside = section(renderSummary(withSuggestion), "Outside the diff");
  assert.ok(outside.includes("`src/app.ts:300` — **Stale cache**"));
  assert.ok(outside.includes("  > The cache is never cleared."));
  assert.ok(outside.includes("  > ```\n  > return x;\n  > ```"), outside);
});

Deno.test("files not reviewed, skipped files, failures and token use get their sections", () => {
  const text = renderSummary(FULL);
  assert.ok(section(text, "Not reviewed").includes("`src/huge.ts`: too large for one model"));
  assert.ok(section(text, "Not reviewed").includes("having no findings says nothing"));
  assert.ok(section(text, "Skipped files").includes("- `package-lock.json`: lockfile"));
  assert.ok(
    section(text, "Failed pipelines").includes("- **docs** (gpt-4o): HTTP 500: upstream timed out"),
  );
  const table = section(text, "Pipelines");
  assert.ok(table.includes("| security | gpt-4o | ✅ succeeded | 2 | 12,345 | 678 | 2 |"), table);
  assert.ok(table.includes("| docs | gpt-4o | ❌ failed | 0 | 0 | 0 | 0 |"));
  assert.ok(table.includes("| **Total** | | | 3 | 12,345 | 678 | 2 |"));
});

Deno.test("a clean review says so and has no empty sections", () => {
  const text = renderSummary(input({ pipelines: [pipeline({})] }));
  assert.ok(text.includes("**No findings.**"));
  for (const heading of ["Findings", "Outside the diff", "Not reviewed", "Failed pipelines"]) {
    assert.ok(!text.includes(`### ${heading}\n`), heading);
  }
  assert.ok(!text.includes("incomplete"));
});

Deno.test("the summary is the same text whatever order its inputs come in", () => {
  const shuffled: SummaryInput = {
    ...FULL,
    findings: [...FULL.findings].reverse(),
    pipelines: [...FULL.pipelines].reverse(),
    skippedFiles: [{ path: "b.bin", reason: "binary" }, ...FULL.skippedFiles],
    notReviewed: [...FULL.notReviewed, { path: "a.ts", reason: "max_llm_calls" }],
  };
  const ordered: SummaryInput = {
    ...FULL,
    skippedFiles: [...FULL.skippedFiles, { path: "b.bin", reason: "binary" }],
    notReviewed: [{ path: "a.ts", reason: "max_llm_calls" }, ...FULL.notReviewed],
  };
  assert.equal(renderSummary(shuffled), renderSummary(ordered));
  assert.equal(renderSummary(FULL), renderSummary(FULL));
});

Deno.test("a skipped review renders only why", () => {
  const text = renderSummary({
    ...FULL,
    skippedReason: "the diff changes 9,000 lines (max 5,000)",
  });
  assert.ok(text.includes("**Review skipped:** the diff changes 9,000 lines (max 5,000)"));
  assert.ok(!text.includes("###"), text);
});

Deno.test("long file lists fold into <details>", () => {
  const skippedFiles = Array.from({ length: 12 }, (_, i) => ({
    path: `vendor/f${i}.js`,
    reason: "ignored",
  }));
  const skipped = section(renderSummary(input({ skippedFiles })), "Skipped files");
  assert.ok(skipped.includes("<details>\n<summary>12 files skipped</summary>"), skipped);
  assert.ok(skipped.includes("`vendor/f11.js`"));
  const short = section(
    renderSummary(input({ skippedFiles: skippedFiles.slice(0, 3) })),
    "Skipped files",
  );
  assert.ok(!short.includes("<details>"));
});

Deno.test("model text cannot break the layout, inject HTML or mention people", () => {
  const text = renderSummary(input({
    findings: [
      finding({
        title: "Use <details> | *not* `eval`",
        body:
          "Ping @octocat about it.</details><!-- x\n```ts\nconst m: Map<string, T> = new Map();\n" +
          "@decorator()",
        inDiff: false,
      }),
    ],
    pipelines: [pipeline({ model: "a|b", status: "failed", error: "bad <b>gateway</b>" })],
  }));
  assert.ok(text.includes("**Use &lt;details&gt; \\| \\*not\\* \\`eval\\`**"), text);
  assert.ok(!text.includes("<details>"), "no details element but the ones Loom opens");
  assert.ok(text.includes("@\u200Boctocat"));
  assert.ok(text.includes("&lt;/details>&lt;!-- x"));
  // Inside a code fence the text is the model's own, and the fence it left open is closed.
  assert.ok(text.includes("  > const m: Map<string, T> = new Map();\n  > @decorator()\n  > ```"));
  assert.ok(text.includes("| a\\|b | ❌ failed |"));
  assert.ok(text.includes("bad &lt;b&gt;gateway&lt;/b&gt;"));
  const oddPath = renderSummary(input({ findings: [finding({ path: "src/a|b `x`.ts" })] }));
  assert.ok(oddPath.includes("``src/a|b `x`.ts:10``"), oddPath);
});

Deno.test("credentials in a pipeline's error do not reach the summary", () => {
  const text = renderSummary(input({
    pipelines: [
      pipeline({
        status: "failed",
        error: "401 for Authorization: Bearer abcdef1234567890 (api_key=sk-live-1234567890)\n" +
          "details",
      }),
    ],
  }));
  const failed = section(text, "Failed pipelines");
  assert.ok(!failed.includes("abcdef1234567890") && !failed.includes("sk-live-1234567890"), failed);
  assert.ok(failed.includes("Bearer \\*\\*\\*"));
});

Deno.test("a summary over the size limit drops bodies, then shortens lists, and says so", () => {
  const findings = Array.from({ length: 300 }, (_, i) =>
    finding({
      path: `src/f${String(i).padStart(3, "0")}.ts`,
      line: 1,
      fingerprint: String(i),
      body: "x".repeat(400),
      inDiff: i % 2 === 0,
    }));
  const roomy = renderSummary(input({ findings, maxChars: 1_000_000 }));
  assert.ok(roomy.includes("x".repeat(400)));

  const noBodies = renderSummary(input({ findings, maxChars: 60_000 }));
  assert.ok(noBodies.length <= 60_000);
  assert.ok(!noBodies.includes("x".repeat(400)));
  assert.ok(noBodies.includes("details are left out"));
  assert.ok(noBodies.includes("src/f299.ts"), "every finding is still listed");

  const short = renderSummary(input({ findings, maxChars: 8_000 }));
  assert.ok(short.length <= 8_000, String(short.length));
  assert.match(short, /…and \d+ more findings, left out/);
  assert.ok(short.includes("**300 findings:**"), "the counts stay complete");
});

// Issue 10, item 3: every place the summary shows model or repository text, rendered by a real
// CommonMark renderer, keeps no live mention outside code and no HTML element markdown does not
// write (but the `<details>` fold the summary writes itself).
Deno.test("mention and HTML injection: no corpus text survives the summary, rendered", () => {
  for (const text of INJECTIONS) {
    const summaries = [
      renderSummary(input({
        findings: [
          finding({ path: text, pipeline: text, title: text, body: text, suggestion: text }),
          finding({ path: text, title: text, body: text, suggestion: text, inDiff: false }),
        ],
        pipelines: [pipeline({ name: text, model: text, status: "failed", error: text })],
        skippedFiles: [{ path: text, reason: text }],
        notReviewed: [{ path: text, reason: text }],
      })),
      renderSummary(input({ skippedReason: text })),
    ];
    for (const summary of summaries) {
      assert.deepEqual(injections(summary, ["details", "summary"]), [], JSON.stringify(text));
    }
  }
});

Deno.test("config-error injection: the repository's YAML error text in the summary is escaped", () => {
  for (const text of INJECTIONS) {
    const summary = renderConfigErrorSummary(text, [`.loom/config.yaml:1:1: ${text}`, text], CFG);
    assert.deepEqual(injections(summary), [], JSON.stringify(text));
  }
  // The error stays readable, as code that cannot be closed early.
  const summary = renderConfigErrorSummary("main", ["x.yaml:2:3: bad `key`"], CFG);
  assert.ok(summary.includes("- `` x.yaml:2:3: bad `key` ``"), summary);
  assert.ok(summary.includes("config on `main` has errors"), summary);
});

Deno.test("the cost line: tokens and dollars when priced, tokens only when not, none when hidden", () => {
  const priced = renderSummary(input({ cost: { tokens: 12_345, usd: 0.0123, unpricedCalls: 0 } }));
  assert.match(priced, /^Cost: 12,345 tokens, \$0\.0123$/m);
  const dear = renderSummary(input({ cost: { tokens: 2_000_000, usd: 12.5, unpricedCalls: 1 } }));
  assert.match(dear, /^Cost: 2,000,000 tokens, \$12\.50 \(models without a price not counted\)$/m);
  const unpriced = renderSummary(input({ cost: { tokens: 1, usd: null, unpricedCalls: 1 } }));
  assert.match(unpriced, /^Cost: 1 token$/m);
  assert.doesNotMatch(renderSummary(input({})), /Cost:/);
});
