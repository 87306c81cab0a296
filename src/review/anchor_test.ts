import assert from "node:assert/strict";
import { parseDiff } from "../diff/mod.ts";
import { anchorFindings, fingerprintOf, normaliseTitle } from "./anchor.ts";
import type { RawFinding } from "../findings/mod.ts";

const PIPELINE = { name: "security", severity: "warning" } as const;

// A file's diff; with `renamedFrom`, that of a file renamed (and changed) from there.
function modified(path: string, hunks: string, renamedFrom?: string): string {
  const old = renamedFrom ?? path;
  const rename = renamedFrom ? `similarity index 90%\nrename from ${old}\nrename to ${path}\n` : "";
  return `diff --git a/${old} b/${path}\n${rename}index 1111111..2222222 100644\n--- a/${old}\n` +
    `+++ b/${path}\n${hunks}`;
}

// Hunk one covers new lines 10-17 (13 and 14 added), hunk two new lines 41-47 (44 added).
const APP = modified(
  "src/app.ts",
  `@@ -10,7 +10,8 @@ function main() {
 const a = 1;
 const b = 2;
 const c = 3;
-query("select " + id);
+const q = sql\`select \${id}\`;
+query(q);
 const d = 4;
 const e = 5;
 const f = 6;
@@ -40,7 +41,7 @@ function other() {
 let x = 1;
 let y = 2;
 let z = 3;
-old();
+renamed();
 let u = 4;
 let v = 5;
 let w = 6;
`,
);

// Titles spelled in letters: digits are not part of a normalised title, so "Issue 18" and
// "Issue 20" would be one finding once moved to the same line.
function raw(line: number, more: Partial<RawFinding> = {}): RawFinding {
  const spelled = [...String(line)].map((d) => "abcdefghij"[Number(d)]).join("");
  return { path: "src/app.ts", line, title: `Issue ${spelled}`, body: "Details.", ...more };
}

function anchor(text: string, findings: RawFinding[]) {
  return anchorFindings(findings, PIPELINE, parseDiff(text));
}

Deno.test("a finding on an added or context line stays on that line, in the diff", () => {
  const { findings } = anchor(APP, [raw(14), raw(10), raw(44)]);
  assert.deepEqual(findings.map((f) => [f.line, f.inDiff]), [[14, true], [10, true], [44, true]]);
});

Deno.test("a finding up to 3 lines past a hunk moves onto the hunk's nearest line", () => {
  const { findings } = anchor(APP, [raw(18), raw(20), raw(8), raw(38)]);
  assert.deepEqual(findings.map((f) => f.line), [17, 17, 10, 41]);
  assert.ok(findings.every((f) => f.inDiff));
});

Deno.test("a finding 4 or more lines from every hunk keeps its line outside the diff", () => {
  const { findings } = anchor(APP, [raw(21), raw(29), raw(6), raw(200)]);
  assert.deepEqual(findings.map((f) => [f.line, f.inDiff]), [
    [21, false],
    [29, false],
    [6, false],
    [200, false],
  ]);
});

Deno.test("between two hunks a finding goes to the nearer one; on a tie an added line wins", () => {
  // New lines 3-5 (4 added, 5 context), then 9-10 (9 added): 6, 7 and 8 are in neither hunk.
  const text = modified(
    "f.ts",
    `@@ -3,2 +3,3 @@
 c3
+a4
 c5
@@ -8 +9,2 @@
+a9
 c10
`,
  );
  const { findings } = anchor(text, [6, 7, 8].map((n) => raw(n, { path: "f.ts" })));
  assert.deepEqual(findings.map((f) => f.line), [5, 9, 9]);
});

Deno.test("a path outside the diff is dropped and counted; prefixes are forgiven", () => {
  const { findings, droppedUnknownPath } = anchor(APP, [
    raw(14, { path: "src/other.ts" }),
    raw(14, { path: "./src/app.ts", title: "one" }),
    raw(14, { path: "b/src/app.ts", title: "two" }),
    raw(14, { path: "/src/app.ts", title: "three" }),
    raw(14, { path: "a/src/app.ts", title: "four" }),
    raw(14, { path: "app.ts" }),
  ]);
  assert.equal(droppedUnknownPath, 2);
  assert.deepEqual(findings.map((f) => [f.path, f.title]), [
    ["src/app.ts", "one"],
    ["src/app.ts", "two"],
    ["src/app.ts", "three"],
    ["src/app.ts", "four"],
  ]);
});

Deno.test("a top-level folder named a/ is matched as written before prefixes are stripped", () => {
  const text = modified("a/x.ts", "@@ -1 +1 @@\n-old\n+new\n") +
    modified("x.ts", "@@ -1 +1 @@\n-old\n+new\n");
  const { findings } = anchor(text, [
    raw(1, { path: "a/x.ts", title: "as written" }),
    raw(1, { path: "b/a/x.ts", title: "with b/" }),
    raw(1, { path: "b/x.ts", title: "top-level x" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.title, f.path]), [
    ["as written", "a/x.ts"],
    ["with b/", "a/x.ts"],
    ["top-level x", "x.ts"],
  ]);
});

Deno.test("a renamed file is found by its old path and reported under its new one", () => {
  const text = modified("new.ts", "@@ -1 +1 @@\n-a\n+b\n", "old.ts");
  const { findings, droppedUnknownPath } = anchor(text, [raw(1, { path: "old.ts" })]);
  assert.equal(droppedUnknownPath, 0);
  assert.deepEqual(findings.map((f) => [f.path, f.inDiff]), [["new.ts", true]]);
});

Deno.test("a finding on a deleted file is kept outside the diff: it has no new side", () => {
  const text = `diff --git a/gone.ts b/gone.ts
deleted file mode 100644
index 1111111..0000000
--- a/gone.ts
+++ /dev/null
@@ -1,2 +0,0 @@
-a
-b
`;
  const { findings, droppedUnknownPath } = anchor(text, [raw(1, { path: "gone.ts" })]);
  assert.equal(droppedUnknownPath, 0);
  assert.deepEqual(findings.map((f) => [f.path, f.line, f.inDiff]), [["gone.ts", 1, false]]);
});

Deno.test("end_line is kept inside the hunk, clamped to its end, or dropped", () => {
  const { findings } = anchor(APP, [
    raw(13, { end_line: 15, title: "inside" }),
    raw(15, { end_line: 43, title: "spans both hunks" }),
    raw(17, { end_line: 19, title: "nothing left after clamping" }),
    raw(14, { end_line: 14, title: "same line" }),
    raw(25, { end_line: 27, title: "outside the diff" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.title, f.line, f.end_line]), [
    ["inside", 13, 15],
    ["spans both hunks", 15, 17],
    ["nothing left after clamping", 17, undefined],
    ["same line", 14, undefined],
    ["outside the diff", 25, 27],
  ]);
});

Deno.test("a suggestion is dropped when its lines moved or were clamped, since it would land wrong", () => {
  const suggestion = "query(q, id);";
  const { findings } = anchor(APP, [
    raw(14, { suggestion, title: "exact" }),
    raw(13, { end_line: 14, suggestion, title: "exact range" }),
    raw(19, { suggestion, title: "moved" }),
    raw(16, { end_line: 19, suggestion, title: "clamped" }),
    raw(30, { suggestion, title: "outside" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.title, f.suggestion]), [
    ["exact", suggestion],
    ["exact range", suggestion],
    ["moved", undefined],
    ["clamped", undefined],
    ["outside", suggestion],
  ]);
});

Deno.test("a finding with a wrong line and a right quote lands on the quoted line, inline", () => {
  const { findings } = anchor(APP, [
    // Off by one inside the hunk: 14 holds `query(q);`, the quote is line 13's.
    raw(14, { code: "const q = sql`select ${id}`;", title: "off by one" }),
    // The old-side number of the removed line (13), quoted as the model saw the added line.
    raw(13, { code: "query(q);", title: "old number" }),
    // Far outside every hunk (today: the summary), but the quote is in the second hunk.
    raw(30, { code: "renamed();", title: "far off" }),
    // Copied with the number and marker the prompt shows.
    raw(12, { code: "44 +   renamed();", title: "copied prefix" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.title, f.line, f.inDiff]), [
    ["off by one", 13, true],
    ["old number", 14, true],
    ["far off", 44, true],
    ["copied prefix", 44, true],
  ]);
});

Deno.test("a finding with a wrong line and a wrong quote is not placed inline", () => {
  const { findings } = anchor(APP, [
    raw(30, { code: "deleteEverything();", title: "far and unknown" }),
    // A removed line's code has no new-side line to quote.
    raw(200, { code: 'query("select " + id);', title: "quotes a removed line" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.title, f.line, f.inDiff]), [
    ["far and unknown", 30, false],
    ["quotes a removed line", 200, false],
  ]);
});

Deno.test("a quote found nowhere keeps today's placement: the line, a 3-line snap, or the summary", () => {
  const { findings } = anchor(APP, [
    raw(14, { code: "nothing like this", title: "on a line" }),
    raw(19, { code: "nothing like this", title: "snapped" }),
    raw(21, { code: "nothing like this", title: "outside" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.title, f.line, f.inDiff]), [
    ["on a line", 14, true],
    ["snapped", 17, true],
    ["outside", 21, false],
  ]);
});

Deno.test("a quote that matches the named line keeps it, its range and its suggestion", () => {
  const suggestion = "query(q, id);";
  const { findings } = anchor(APP, [
    raw(14, { code: "  query(q);  ", end_line: 15, suggestion, title: "right" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.line, f.end_line, f.suggestion]), [[14, 15, suggestion]]);
});

Deno.test("a line moved by its quote takes its range along; its suggestion is dropped", () => {
  const { findings } = anchor(APP, [
    raw(15, { code: "const q = sql`select ${id}`;", end_line: 16, suggestion: "x", title: "one" }),
    raw(45, { code: "renamed();", end_line: 52, title: "clamped" }),
  ]);
  assert.deepEqual(findings.map((f) => [f.title, f.line, f.end_line, f.suggestion]), [
    ["one", 13, 14, undefined],
    ["clamped", 44, 47, undefined],
  ]);
});

Deno.test("a repeated quoted line resolves to the copy nearest the given number", () => {
  // `return null;` is new lines 2, 6 and 60 (three hunks); the model names 5, 9 and 58.
  const text = modified(
    "r.ts",
    `@@ -1,4 +1,7 @@
 a();
+return null;
 b();
+c();
 d();
+return null;
 e();
@@ -50,5 +54,7 @@
 f();
 g();
 h();
+i();
 j();
+return null;
 k();
`,
  );
  const { findings } = anchor(
    text,
    [5, 9, 58].map((n) => raw(n, { path: "r.ts", code: "return null;" })),
  );
  assert.deepEqual(findings.map((f) => f.line), [6, 6, 59]);
});

Deno.test("severity defaults to the pipeline's and the finding is tagged with the pipeline", () => {
  const { findings } = anchor(APP, [raw(14), raw(44, { severity: "blocker" })]);
  assert.deepEqual(findings.map((f) => [f.severity, f.pipeline]), [
    ["warning", "security"],
    ["blocker", "security"],
  ]);
});

Deno.test("the fingerprint survives the code moving down 10 lines and the title's line number", () => {
  const shifted = APP.replace("@@ -10,7 +10,8 @@", "@@ -20,7 +20,8 @@");
  const [before] = anchor(APP, [raw(14, { title: "Line 14: SQL injection" })]).findings;
  const [after] = anchor(shifted, [raw(24, { title: "line 24 - sql  injection" })]).findings;
  assert.equal(after.line, 24);
  assert.equal(before.fingerprint, after.fingerprint);
  assert.match(before.fingerprint, /^[0-9a-f]{16}$/);
});

Deno.test("the fingerprint changes with the code, the title, the pipeline and the path", () => {
  const base = anchor(APP, [raw(14, { title: "SQL injection" })]).findings[0].fingerprint;
  const otherCode = APP.replace("+query(q);", "+query(q, params);");
  const others = [
    anchor(otherCode, [raw(14, { title: "SQL injection" })]).findings[0],
    anchor(APP, [raw(14, { title: "XSS" })]).findings[0],
    anchorFindings([raw(14, { title: "SQL injection" })], { ...PIPELINE, name: "style" }, [
      ...parseDiff(APP),
    ]).findings[0],
    anchor(APP.replaceAll("src/app.ts", "src/b.ts"), [
      raw(14, { title: "SQL injection", path: "src/b.ts" }),
    ]).findings[0],
  ];
  for (const f of others) assert.notEqual(f.fingerprint, base);
});

Deno.test("fingerprints of findings outside the diff tell lines apart", () => {
  const { findings } = anchor(APP, [raw(100, { title: "Unused" }), raw(200, { title: "Unused" })]);
  assert.equal(findings.length, 2);
  assert.notEqual(findings[0].fingerprint, findings[1].fingerprint);
});

Deno.test("findings with one fingerprint collapse into the most severe, then the first", () => {
  const { findings } = anchor(APP, [
    raw(14, { title: "Line 14: SQL injection", severity: "info", body: "first" }),
    raw(14, { title: "line 14 - sql injection", severity: "blocker", body: "severe" }),
    raw(14, { title: "Line 14: SQL injection!", severity: "blocker", body: "later" }),
    raw(44, { title: "SQL injection", severity: "info", body: "elsewhere" }),
  ]);
  assert.deepEqual(findings.map((f) => f.body), ["severe", "elsewhere"]);
});

Deno.test("fingerprintOf ignores digits, punctuation, case and spacing in titles and code", () => {
  const a = fingerprintOf({
    path: "a.ts",
    pipeline: "p",
    title: "Line 12: SQL injection",
    code: ["", "  query( x )", ""],
  });
  const b = fingerprintOf({
    path: "a.ts",
    pipeline: "p",
    title: "line 14 - sql injection",
    code: ["", "query(\tx )  ", ""],
  });
  assert.equal(a, b);
  assert.equal(normaliseTitle("Line 12: SQL-injection!"), "line sql injection");
});

// Its speed is measured by `deno task bench:review` (the large case), not asserted here.
Deno.test("anchoring a thousand findings on a 20,000-line diff places each in its file", () => {
  let text = "";
  for (let f = 0; f < 400; f++) {
    const body = Array.from({ length: 50 }, (_, i) => `+line ${i} of file ${f}`).join("\n");
    text += modified(`src/f${f}.ts`, `@@ -0,0 +1,50 @@\n${body}\n`);
  }
  const files = parseDiff(text);
  const findings = Array.from(
    { length: 1000 },
    (_, i) => raw((i % 60) + 1, { path: `src/f${i % 400}.ts`, title: `Finding ${i % 7}` }),
  );
  const { findings: out } = anchorFindings(findings, PIPELINE, files);
  assert.ok(out.length > 0);
  assert.ok(out.every((f) => f.path.startsWith("src/f")));
  // Lines 1-50 are in each file's hunk; 51-60 are not and go to the summary.
  assert.ok(out.filter((f) => f.inDiff).every((f) => f.line <= 50));
});
