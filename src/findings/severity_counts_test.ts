import assert from "node:assert/strict";
import type { Finding } from "./finding.ts";
import { countBySeverity } from "./severity_counts.ts";

Deno.test("every severity is counted, most severe first, zero when absent", () => {
  const of = (severity: Finding["severity"]) => ({ severity }) as Finding;
  assert.deepEqual(countBySeverity([of("info"), of("blocker"), of("info")]), [
    ["blocker", 1],
    ["warning", 0],
    ["info", 2],
  ]);
});
