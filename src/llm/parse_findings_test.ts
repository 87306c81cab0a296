import assert from "node:assert/strict";
import { HOSTILE_ANSWERS } from "../../tests/support/hostile_answers.ts";
import { stripThinking } from "./extract_json.ts";
import { parseFindings } from "./parse_findings.ts";
import { cutAfterLastCompleteItem } from "./salvage_truncated.ts";

const finding = {
  path: "src/app.ts",
  line: 12,
  severity: "warning",
  title: "Unchecked null",
  body: "`user` may be null here.",
};

function ok(text: string) {
  const result = parseFindings(text);
  if (!result.ok) assert.fail(`expected findings, got error: ${result.error}`);
  return result;
}

Deno.test("clean contract JSON parses as is, without repair", () => {
  const result = ok(JSON.stringify({ findings: [finding] }));
  assert.deepEqual(result, { ok: true, findings: [finding], repaired: false, dropped: 0 });
});

Deno.test("an empty findings array means nothing found", () => {
  assert.deepEqual(parseFindings('{"findings": []}'), {
    ok: true,
    findings: [],
    repaired: false,
    dropped: 0,
  });
});

Deno.test("nulls for optional fields (OpenAI strict mode) count as absent, not as repair", () => {
  const strict = { ...finding, code: null, end_line: null, severity: null, suggestion: null };
  const result = ok(JSON.stringify({ findings: [strict] }));
  const { severity: _, ...withoutSeverity } = finding;
  assert.deepEqual(result.findings, [withoutSeverity]);
  assert.equal(result.repaired, false);
});

Deno.test("optional fields are kept when given", () => {
  const full = {
    ...finding,
    code: "  return user.name;",
    end_line: 14,
    suggestion: "if (!user) return;",
  };
  assert.deepEqual(ok(JSON.stringify({ findings: [full] })).findings, [full]);
});

Deno.test("JSON in a code fence is found and marked repaired", () => {
  const result = ok("```json\n" + JSON.stringify({ findings: [finding] }, null, 2) + "\n```");
  assert.deepEqual(result.findings, [finding]);
  assert.equal(result.repaired, true);
});

Deno.test("prose before and after the JSON is ignored", () => {
  const text = "Sure! Here is my review [1]:\n" + JSON.stringify({ findings: [finding] }) +
    "\nHope this helps {really}.";
  assert.deepEqual(ok(text).findings, [finding]);
});

Deno.test("reasoning in <think> blocks is ignored, even with braces in it", () => {
  const text = '<think>maybe {"findings": [{}]} ... no</think>\n' +
    JSON.stringify({ findings: [finding] });
  assert.deepEqual(ok(text).findings, [finding]);
});

Deno.test("trailing commas and single quotes are repaired", () => {
  const text = "{'findings': [{'path': 'src/app.ts', 'line': 12, 'severity': 'warning', " +
    "'title': 'Unchecked null', 'body': '`user` may be null here.',},],}";
  const result = ok(text);
  assert.deepEqual(result.findings, [finding]);
  assert.equal(result.repaired, true);
});

Deno.test("a bare array of findings is accepted", () => {
  const result = ok(JSON.stringify([finding, { ...finding, line: 20 }]));
  assert.deepEqual(result.findings.map((f) => f.line), [12, 20]);
  assert.equal(result.repaired, true);
});

Deno.test("a single finding object is accepted", () => {
  assert.deepEqual(ok(JSON.stringify(finding)).findings, [finding]);
});

Deno.test("issues or comments instead of findings are accepted", () => {
  assert.deepEqual(ok(JSON.stringify({ issues: [finding] })).findings, [finding]);
  assert.deepEqual(ok(JSON.stringify({ comments: [finding] })).findings, [finding]);
});

Deno.test("numeric strings become numbers, and a line range sets end_line", () => {
  const text = JSON.stringify({
    findings: [
      { ...finding, line: "12", end_line: "13" },
      { ...finding, line: "30-34" },
    ],
  });
  const result = ok(text);
  assert.deepEqual(result.findings.map((f) => [f.line, f.end_line]), [[12, 13], [30, 34]]);
  assert.equal(result.repaired, true);
});

Deno.test("an end_line before the line is left out", () => {
  const result = ok(JSON.stringify({ findings: [{ ...finding, end_line: 3 }] }));
  assert.equal(result.findings[0].end_line, undefined);
});

Deno.test("severities in other words and case map onto blocker, warning, info", () => {
  const words = ["Blocker", "critical", "ERROR", "warn", "High", "minor", "note", "suggestion"];
  const text = JSON.stringify({ findings: words.map((severity) => ({ ...finding, severity })) });
  assert.deepEqual(ok(text).findings.map((f) => f.severity), [
    "blocker",
    "blocker",
    "blocker",
    "warning",
    "warning",
    "info",
    "info",
    "info",
  ]);
});

Deno.test("an unknown severity is left unset rather than guessed", () => {
  const result = ok(JSON.stringify({ findings: [{ ...finding, severity: "purple" }] }));
  assert.equal(result.findings[0].severity, undefined);
  assert.equal(result.findings.length, 1);
});

Deno.test("description or message stand in for a missing body; no body at all is empty", () => {
  const { body: _, ...noBody } = finding;
  const text = JSON.stringify({
    findings: [
      { ...noBody, description: "from description" },
      { ...noBody, message: "from message" },
      noBody,
    ],
  });
  assert.deepEqual(ok(text).findings.map((f) => f.body), ["from description", "from message", ""]);
});

Deno.test("the quoted code is read under the names models use; blank or wrong-typed is left out", () => {
  const quoted = (extra: Record<string, unknown>) =>
    ok(JSON.stringify([{ ...finding, ...extra }])).findings[0].code;
  assert.equal(quoted({ quote: "query(q);" }), "query(q);");
  assert.equal(quoted({ snippet: "query(q);" }), "query(q);");
  assert.equal(quoted({ code: "   " }), undefined);
  assert.equal(quoted({ code: 42 }), undefined);
  // A model that pastes a whole file as its quote costs no more than one long line.
  assert.equal(quoted({ code: "x".repeat(1_000_000) })?.length, 2000);
});

Deno.test("file instead of path is accepted", () => {
  const { path: _, ...noPath } = finding;
  assert.equal(ok(JSON.stringify([{ ...noPath, file: "lib/x.ts" }])).findings[0].path, "lib/x.ts");
});

Deno.test("findings without path, usable line or title are dropped one by one and counted", () => {
  const text = JSON.stringify({
    findings: [
      finding,
      { ...finding, path: "" },
      { ...finding, line: 0 },
      { ...finding, line: 2.5 },
      { ...finding, line: "twelve" },
      { ...finding, title: undefined },
      "not an object",
    ],
  });
  const result = ok(text);
  assert.deepEqual(result.findings, [finding]);
  assert.equal(result.dropped, 6);
});

Deno.test("an answer where every finding is unusable fails, saying what is missing", () => {
  const result = parseFindings(JSON.stringify({ findings: [{ file: "a.ts", note: "bad" }] }));
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.error : "", /path.*line.*title/);
});

Deno.test("pure prose without JSON fails", () => {
  const result = parseFindings("The code looks good to me. No issues found!");
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.error : "", /no JSON object/);
});

Deno.test("an empty answer fails", () => {
  assert.deepEqual(parseFindings("  \n"), { ok: false, error: "the answer was empty" });
});

Deno.test("JSON of another shape fails, naming what it got", () => {
  const result = parseFindings('{"review": "looks fine", "score": 9}');
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.error : "", /findings.*review, score/);
});

Deno.test("findings that is not an array fails", () => {
  const result = parseFindings('{"findings": "none"}');
  assert.equal(result.ok, false);
  assert.match(!result.ok ? result.error : "", /"findings" must be an array/);
});

Deno.test("one broken finding is repaired in place, not mistaken for the whole answer", () => {
  const text = '{"findings": [' + JSON.stringify(finding) +
    ', {"path": "b.ts", "line": 3, "title": "Second", "body": "has } and { in it",}]} Thanks!';
  assert.deepEqual(ok(text).findings.map((f) => f.title), ["Unchecked null", "Second"]);
});

Deno.test("prose around JSON that also needs repair does not turn into dropped findings", () => {
  const text = "Found one:\n{'path': 'src/app.ts', 'line': 12, 'severity': 'warning', " +
    "'title': 'Unchecked null', 'body': '`user` may be null here.',}\nThanks!";
  const result = ok(text);
  assert.deepEqual(result.findings, [finding]);
  assert.equal(result.dropped, 0);
});

Deno.test("quadratic parsing: every hostile answer of 280,000+ characters parses within a second", () => {
  // Both ways an answer is read: whole, and cut at max_tokens (salvaged, then parsed).
  const paths: [string, (text: string) => void][] = [
    ["parsed", (text) => parseFindings(text)],
    ["salvaged", (text) => {
      const cut = cutAfterLastCompleteItem(text);
      if (cut) parseFindings(cut.text);
    }],
  ];
  for (const [name, text] of Object.entries(HOSTILE_ANSWERS)) {
    for (const [path, read] of paths) {
      const started = performance.now();
      read(text);
      const ms = performance.now() - started;
      // A safety bound, not a speed figure: quadratic steps took several seconds here.
      assert.ok(ms < 1_000, `${name} ${path} (${text.length} chars) took ${Math.round(ms)} ms`);
    }
  }
});

Deno.test("the findings after many unclosed <think> tags are still read", () => {
  const result = ok(HOSTILE_ANSWERS.thinking_then_json);
  assert.deepEqual(result.findings, []);
});

Deno.test("stripping <think> blocks removes closed blocks of either name, in any case, and keeps unclosed tags", () => {
  assert.equal(stripThinking("<think>a</think>x<THINKING>b</Thinking>y"), "xy");
  assert.equal(stripThinking("<think>a<thinking>b</think>c</thinking>"), "c</thinking>");
  assert.equal(stripThinking("<think>open x"), "<think>open x");
  assert.equal(
    stripThinking("<think>a</thinking> <thinking>b</thinking>z"),
    "<think>a</thinking> z",
  );
});
