/**
 * The `resolve` job: `/loom resolve` resolves every open thread of Loom's findings.
 * @module
 */
import type { TypedHandler } from "../../jobs.ts";
import { PermanentError } from "../../queue/mod.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** The handler of `resolve` jobs (built by the review-life work, issue 12). */
export function resolveJob(_deps: ReviewJobDeps): TypedHandler<"resolve"> {
  return () => Promise.reject(new PermanentError("/loom resolve is not built yet"));
}
