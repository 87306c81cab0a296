import assert from "node:assert/strict";
import { cutAfterLastCompleteItem } from "./salvage_truncated.ts";

Deno.test("a cut answer keeps the findings whose closing brace was written", () => {
  const text = '```json\n{"findings": [{"path": "a.ts", "body": "if (x) { y(); }"}, ' +
    '{"path": "b.ts", "body": "half a sente';
  assert.deepEqual(cutAfterLastCompleteItem(text), {
    text: '```json\n{"findings": [{"path": "a.ts", "body": "if (x) { y(); }"}',
    complete: false,
  });
});

Deno.test("a cut answer without any complete finding gives nothing", () => {
  assert.equal(cutAfterLastCompleteItem('{"findings": [{"path": "a.ts", "li'), undefined);
  assert.equal(cutAfterLastCompleteItem("I think the code"), undefined);
});

Deno.test("complete JSON followed by rambling is kept whole", () => {
  assert.deepEqual(cutAfterLastCompleteItem('Sure [1]: {"findings": []} and then I went on and'), {
    text: 'Sure [1]: {"findings": []}',
    complete: true,
  });
});
