/**
 * Parsing benchmark: how long reading findings out of each hostile model answer takes
 * (`tests/support/hostile_answers.ts`, 280,000+ characters each), through both paths an answer
 * takes: `parseFindings` and, for an answer cut at `max_tokens`, `cutAfterLastCompleteItem`
 * first. Prints one JSON line: the slowest case and every case's milliseconds.
 *
 *   deno task bench:parse
 */
import { parseFindings } from "../src/llm/parse_findings.ts";
import { cutAfterLastCompleteItem } from "../src/llm/salvage_truncated.ts";
import { HOSTILE_ANSWERS, HOSTILE_CHARS } from "../tests/support/hostile_answers.ts";

const cases: Record<string, number> = {};
for (const [name, text] of Object.entries(HOSTILE_ANSWERS)) {
  const started = performance.now();
  parseFindings(text);
  const cut = cutAfterLastCompleteItem(text);
  if (cut) parseFindings(cut.text);
  cases[name] = Math.round(performance.now() - started);
}
const [worst, worstMs] = Object.entries(cases).sort((a, b) => b[1] - a[1])[0];
console.log(
  JSON.stringify({ bench: "parse", chars: HOSTILE_CHARS, worst, worst_ms: worstMs, cases }),
);
