/**
 * A pipeline run as the store keeps it: the outcome of one pipeline of one review.
 * @module
 */
import type { PipelineRunStatus } from "../db/mod.ts";

/**
 * One pipeline's outcome. The store does not look inside findings (their type belongs to the
 * review engine, above the store), so it is a parameter.
 */
export interface PipelineRunRecord<F = unknown> {
  pipeline: string;
  /** The model's name in the config and its id. */
  model: string;
  status: PipelineRunStatus;
  /** Why it failed, as a comment may show it. */
  error: string | null;
  /** Why it failed with the endpoint's own (redacted) words: for the admin API only. */
  errorDetail?: string | null;
  findings: F[];
  /** Findings the model placed in files the diff does not have. */
  droppedUnknownPath: number;
  promptTokens: number;
  completionTokens: number;
  llmCalls: number;
  durationMs: number | null;
  /** The models whose answers the findings are, when the pipeline says (fallbacks). */
  answeredBy?: string[];
  /** Models passed over for the next one of the pipeline's chain, and why. */
  modelFailures?: { model: string; error: string }[];
  /** How the pipeline's second look went, when it took one (its shape is the engine's). */
  verification?: Record<string, unknown>;
}
