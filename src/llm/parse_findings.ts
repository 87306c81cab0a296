/**
 * Reading findings out of a model's answer, forgiving what small and local models get wrong.
 * @module
 */

import { z } from "zod";
import { type RawFinding, SEVERITIES } from "../findings/mod.ts";
import { findJson } from "./extract_json.ts";
import { toSeverity } from "./severity_aliases.ts";

/** The result of {@link parseFindings}. */
export type ParsedFindings =
  | {
    ok: true;
    findings: RawFinding[];
    /** True when Loom had to fix the answer (syntax, shape or field names/types). */
    repaired: boolean;
    /** Findings left out for lacking a path, a positive integer line or a title. */
    dropped: number;
  }
  | {
    ok: false;
    /** What is wrong, phrased so it can be sent back to the model in a re-ask. */
    error: string;
  };

// The contract exactly as the prompt and FINDINGS_JSON_SCHEMA state it; `null` stands for an
// optional field left out, as OpenAI strict mode requires. Answers matching it are not "repaired".
const ContractFinding = z.object({
  path: z.string().min(1),
  line: z.number().int().positive(),
  code: z.string().nullish(),
  end_line: z.number().int().positive().nullish(),
  severity: z.enum(SEVERITIES).nullish(),
  title: z.string().min(1),
  body: z.string(),
  suggestion: z.string().nullish(),
});
const ContractAnswer = z.object({ findings: z.array(ContractFinding) });

// Lenient reading of one finding, after field aliases were resolved.
const lineNumber = z.preprocess(
  (v) => typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v,
  z.number().int().positive(),
);
const LenientFinding = z.object({
  path: z.string().trim().min(1),
  line: lineNumber,
  code: z.string().optional().catch(undefined),
  end_line: lineNumber.optional().catch(undefined),
  severity: z.unknown().transform(toSeverity),
  title: z.string().trim().min(1),
  body: z.string().catch(""),
  suggestion: z.string().optional().catch(undefined),
});

// Keys small models use instead of the contract's, tried in order.
const FIELD_ALIASES: Record<keyof RawFinding, string[]> = {
  path: ["path", "file", "filename", "file_path"],
  line: ["line", "line_number", "start_line"],
  code: ["code", "quote", "line_code", "code_line", "snippet"],
  end_line: ["end_line", "line_end", "endLine"],
  severity: ["severity", "level", "priority"],
  title: ["title", "summary", "issue"],
  body: ["body", "description", "message", "details", "explanation", "comment"],
  suggestion: ["suggestion"],
};
const LIST_KEYS = ["findings", "issues", "comments"];

/**
 * Parses a model's answer against the findings contract `{"findings": [...]}`.
 *
 * Repairs what small and local models really send: code fences, prose around the JSON,
 * `<think>` blocks, JSON syntax slips (via `jsonrepair`), a bare array of findings or a single
 * finding object, `"findings"` spelled `"issues"`/`"comments"`, numeric strings (`"line": "12"`,
 * or a range `"12-15"` that also gives `end_line`), `null` for optional fields, the line's
 * quoted `code` under other names (`quote`, `snippet`…; dropped when blank, cut at 2,000
 * characters), severities in other words or case (see `toSeverity`; unknown ones are left
 * unset), and `description` / `message` (and a few more) instead of `body`. A finding without a
 * path, a positive integer line or a title is dropped on its own and counted; when every finding
 * was dropped the answer fails, since the model misread the contract. `{"findings": []}` is a valid "nothing found".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFindings } from "./parse_findings.ts";
 *
 * const fence = "`".repeat(3);
 * const json = '[{"file": "a.ts", "line": "3", "title": "Typo", "severity": "Minor"}]';
 * const answer = `${fence}json\n${json}\n${fence}`;
 * assert.deepEqual(parseFindings(answer), {
 *   ok: true,
 *   repaired: true,
 *   dropped: 0,
 *   findings: [{ path: "a.ts", line: 3, title: "Typo", body: "", severity: "info" }],
 * });
 * ```
 */
export function parseFindings(text: string): ParsedFindings {
  if (!text.trim()) return { ok: false, error: "the answer was empty" };

  let shapeError: string | undefined;
  for (const found of findJson(text)) {
    const list = findingList(found.value);
    if (typeof list === "string") {
      shapeError ??= list;
      continue;
    }
    const findings: RawFinding[] = [];
    for (const item of list) {
      const finding = readFinding(item);
      if (finding) findings.push(finding);
    }
    const dropped = list.length - findings.length;
    if (findings.length === 0 && dropped > 0) {
      // Likely stray brackets in prose (`[1]`); a later candidate may hold the real answer.
      shapeError ??= `none of the ${dropped} findings had a "path", a positive integer ` +
        `"line" and a "title"`;
      continue;
    }
    const repaired = !found.clean || !ContractAnswer.safeParse(found.value).success;
    return { ok: true, findings, repaired, dropped };
  }
  return {
    ok: false,
    error: shapeError ?? "the answer contains no JSON object with a findings array",
  };
}

function findingList(value: unknown): unknown[] | string {
  if (Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  for (const key of LIST_KEYS) {
    if (!(key in record)) continue;
    const list = record[key];
    if (Array.isArray(list)) return list;
    if (list === null) return [];
    return `"${key}" must be an array of findings`;
  }
  if (pick(record, "path") !== undefined && pick(record, "line") !== undefined) return [record];
  const keys = Object.keys(record).slice(0, 5).join(", ") || "none";
  return `expected an object {"findings": [...]}, got an object with keys: ${keys}`;
}

function readFinding(item: unknown): RawFinding | undefined {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const field of Object.keys(FIELD_ALIASES) as (keyof RawFinding)[]) {
    fields[field] = pick(record, field);
  }
  const range = typeof fields.line === "string" &&
    /^\s*(\d+)\s*[-–:]\s*(\d+)\s*$/.exec(fields.line);
  if (range) {
    fields.line = Number(range[1]);
    fields.end_line ??= Number(range[2]);
  }

  const parsed = LenientFinding.safeParse(fields);
  if (!parsed.success) return undefined;
  const { path, line, code, end_line, severity, title, body, suggestion } = parsed.data;
  return {
    path,
    line,
    ...(code?.trim() ? { code: boundedQuote(code) } : {}),
    ...(end_line !== undefined && end_line >= line ? { end_line } : {}),
    ...(severity ? { severity } : {}),
    title,
    body,
    ...(suggestion ? { suggestion } : {}),
  };
}

// A quote is only ever compared with one line of the diff, so a model that pasted a whole
// function (or an endless run of text) costs no more than a long line.
const MAX_QUOTE_CHARS = 2000;

function boundedQuote(code: string): string {
  return code.length > MAX_QUOTE_CHARS ? code.slice(0, MAX_QUOTE_CHARS) : code;
}

function pick(record: Record<string, unknown>, field: keyof RawFinding): unknown {
  for (const key of FIELD_ALIASES[field]) {
    const value = record[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}
