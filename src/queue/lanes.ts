/**
 * Priority lanes and aging.
 *
 * Each job gets a claim score: its `run_at` plus an offset for its lane (high 0, normal one aging
 * step, low two). Claiming takes the lowest score first, so within a lane the order is FIFO, a
 * high job beats a normal job queued at the same time, and a low job that has waited two aging
 * steps beats a high job that has just arrived: no lane can starve another forever.
 * @module
 */
import type { Lane } from "../db/mod.ts";

/** Lanes from most to least urgent. */
export const LANES: readonly Lane[] = ["high", "normal", "low"];

/** Default aging step: a normal job waiting 30 s ranks with a fresh high one. */
export const DEFAULT_AGING_MS = 30_000;

/** The claim score of a job of `lane` that may run from `runAt`. */
export function claimScore(lane: Lane, runAt: number, agingMs: number): number {
  return runAt + LANES.indexOf(lane) * agingMs;
}

/** True when `value` names a lane. */
export function isLane(value: unknown): value is Lane {
  return LANES.includes(value as Lane);
}
