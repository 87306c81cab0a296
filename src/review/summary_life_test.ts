import assert from "node:assert/strict";
import { renderSummary } from "./summary.ts";

const base = {
  findings: [],
  pipelines: [],
  skippedFiles: [],
  notReviewed: [],
  droppedUnknownPath: 0,
  headSha: "def5678def5678",
};
const life = { fixed: [], outdated: [], dismissed: [], stillOpen: [] };

Deno.test("summary life: what a model or a person wrote is escaped like the rest", () => {
  const text = renderSummary({
    ...base,
    life: {
      ...life,
      from: "abc1234abc1234",
      fixed: [{ path: "a.ts", line: 3, title: "<img src=x> @team" }],
      dismissed: [{ path: "a.ts", line: 9, title: "t", by: "@everyone <b>" }],
    },
  });
  assert.match(text, /Reviewed commits abc1234\.\.def5678/);
  assert.doesNotMatch(text, /<img|<b>/);
  assert.doesNotMatch(text, /(^|[^`\\])@(team|everyone)/m);
});

Deno.test("summary life: a range that is not a sha is shown as code, never as markup", () => {
  const text = renderSummary({ ...base, life: { ...life, from: "](http://evil)" } });
  assert.match(text, /Reviewed commits `\]\(http:\/\/evi`\.\.def5678/);
});

Deno.test("summary life: a long list of earlier findings is cut to fit the size limit", () => {
  const stillOpen = Array.from({ length: 400 }, (_, i) => ({
    path: `src/file_${i}.ts`,
    line: i + 1,
    title: "x".repeat(100),
    severity: "warning" as const,
  }));
  const text = renderSummary({ ...base, life: { ...life, stillOpen }, maxChars: 10_000 });
  assert.ok(text.length <= 10_000, String(text.length));
  assert.match(text, /Still open from earlier reviews/);
  assert.match(text, /…and \d+ more, left out to keep this comment within the size limit\./);
});
