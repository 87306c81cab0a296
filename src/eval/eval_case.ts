/**
 * One case of a labelled evaluation set: a change (a unified diff) and the findings a good
 * reviewer makes on it. `loom eval` reads a folder of them and scores the engine against them.
 * @module
 */
import { z } from "zod";

/** Largest `case.yaml` read: a case is a hand-written diff of tens of lines, not a real PR. */
export const MAX_CASE_BYTES = 64 * 1024;
/** Most cases one set may hold, so a wrong `--set` cannot start thousands of model calls. */
export const MAX_CASES = 1000;

/** A finding the reviewer should make: where, and words one of which names the problem. */
export const ExpectedSchema = z.strictObject({
  path: z.string().min(1).max(500),
  /** First and last new-side line of the problem, inclusive. */
  lines: z.tuple([z.number().int().positive(), z.number().int().positive()])
    .refine(([from, to]) => from <= to, "lines must be [from, to] with from <= to"),
  /** Any one of them (case-insensitive) in a finding's title or body makes it about this. */
  keywords: z.array(z.string().min(1).max(100)).max(20).default([]),
});

/** The fields of `case.yaml`. */
export const CaseFileSchema = z.strictObject({
  language: z.string().min(1).max(50),
  /** What the case tests: `injection`, `off-by-one`, `clean`… */
  kind: z.string().min(1).max(50),
  /** The pull request title the reviewer sees; the case id when absent. */
  title: z.string().max(200).optional(),
  description: z.string().max(4000).default(""),
  diff: z.string().min(1),
  /** Empty for a clean change: any finding on it is a false positive. */
  expected: z.array(ExpectedSchema).max(50),
});

/** A finding the reviewer should make. */
export type Expected = z.infer<typeof ExpectedSchema>;

/** A loaded, validated case. */
export interface EvalCase extends z.infer<typeof CaseFileSchema> {
  /** The case's folder name. */
  id: string;
  /** Where it was read from, for messages. */
  file: string;
}
