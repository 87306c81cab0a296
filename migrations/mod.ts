/**
 * Every migration, in order. Listed statically (not read from the folder at run time) so that a
 * `deno compile`d binary carries them.
 * @module
 */
import type { Migration } from "kysely/migration";
import * as initial from "./0001_initial.ts";
import * as reviewFlow from "./0002_review_flow.ts";
import * as deliveryActor from "./0003_delivery_actor.ts";
import * as rateLimitWait from "./0004_rate_limit_wait.ts";
import * as claimToken from "./0005_claim_token.ts";
import * as retention from "./0006_retention.ts";
import * as reviewState from "./0007_review_state.ts";
import * as pullRequestPause from "./0008_pull_request_pause.ts";
import * as llmUsage from "./0009_llm_usage.ts";
import * as reviewTranscripts from "./0010_review_transcripts.ts";
import * as intakeIndexes from "./0011_intake_indexes.ts";

/** Migrations by name; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_review_flow": reviewFlow,
  "0003_delivery_actor": deliveryActor,
  "0004_rate_limit_wait": rateLimitWait,
  "0005_claim_token": claimToken,
  "0006_retention": retention,
  "0007_review_state": reviewState,
  "0008_pull_request_pause": pullRequestPause,
  "0009_llm_usage": llmUsage,
  "0010_review_transcripts": reviewTranscripts,
  "0011_intake_indexes": intakeIndexes,
};
