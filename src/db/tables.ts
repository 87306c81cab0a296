/**
 * Table types for kysely. Timestamps are epoch milliseconds (`bigint` on PostgreSQL, parsed to
 * numbers) so that both stores compare and sort them the same way.
 * @module
 */
import type { Generated } from "kysely";

/** Priority lanes: a blocker pipeline runs before a warning one, before an info one. */
export type Lane = "high" | "normal" | "low";

/** Life of a job. `dead` is the dead-letter state: kept until retried by hand. */
export type JobStatus = "queued" | "running" | "succeeded" | "dead" | "cancelled";

/** One durable job. */
export interface JobsTable {
  id: Generated<number>;
  kind: string;
  lane: Lane;
  /** JSON text. */
  payload: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: number;
  /** run_at plus the lane's aging offset: the claim order. See `src/queue/lanes.ts`. */
  score: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  /** JSON array of `{ at, attempt, message }`, oldest first. */
  errors: string;
  dedupe_key: string | null;
  /** The pull request a job belongs to (`platform:repo#number`), for superseding and closing. */
  group_key: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** Milliseconds waited out on rate limits, which spend no attempt; see `src/queue/fail_job.ts`. */
  rate_limit_waited_ms: number;
  /**
   * How many times the job was claimed: the current claim's fence. Operations made for a claim
   * match it, so a stale claim changes nothing; see `src/queue/_fence.ts`.
   */
  claim_token: number;
}

/** A repository Loom has heard from. */
export interface RepositoriesTable {
  id: Generated<number>;
  platform: string;
  full_name: string;
  created_at: number;
  last_event_at: number;
}

/** One webhook delivery, kept so a redelivery is recognised and queues nothing. */
export interface WebhookDeliveriesTable {
  id: Generated<number>;
  platform: string;
  delivery_id: string;
  event: string;
  repository: string | null;
  /** queued | ignored | rejected */
  outcome: string;
  reason: string | null;
  job_id: number | null;
  received_at: number;
  /** Who caused it: the pusher or sender, a command's author; null when unknown. */
  actor: string | null;
  pr_number: number | null;
  /** A command delivery's command: review or help. */
  command: string | null;
}

/** Life of a review: running until its publish job (or a skip, or a newer head) ends it. */
export type ReviewStatus = "running" | "succeeded" | "failed" | "skipped" | "cancelled";

/** How one pipeline of a review ended. */
export type PipelineRunStatus = "succeeded" | "failed" | "skipped";

/** One review of one head commit of one pull request. */
export interface ReviewsTable {
  id: Generated<number>;
  platform: string;
  repository: string;
  pr_number: number;
  head_sha: string;
  base_sha: string | null;
  status: ReviewStatus;
  trigger: string;
  job_id: number | null;
  summary_comment_id: string | null;
  findings: number;
  blockers: number;
  prompt_tokens: number;
  completion_tokens: number;
  llm_calls: number;
  duration_ms: number | null;
  summary: string | null;
  error: string | null;
  created_at: number;
  finished_at: number | null;
  /** JSON of what the pipeline and publish jobs share: diff, resolved config, prompts. */
  inputs: string | null;
  pr_title: string | null;
}

/** The outcome of one pipeline (security, quality, …) within a review. */
export interface PipelineRunsTable {
  id: Generated<number>;
  review_id: number;
  pipeline: string;
  model: string;
  status: PipelineRunStatus;
  /** JSON array of findings. */
  findings: string;
  prompt_tokens: number;
  completion_tokens: number;
  llm_calls: number;
  duration_ms: number | null;
  error: string | null;
  created_at: number;
}

/** A comment Loom posted, recorded so no finding is ever posted twice on one pull request. */
export interface CommentsTable {
  id: Generated<number>;
  review_id: number | null;
  platform: string;
  repository: string;
  pr_number: number;
  /** summary | inline */
  kind: string;
  fingerprint: string;
  external_id: string | null;
  path: string | null;
  line: number | null;
  head_sha: string;
  created_at: number;
  /** Inline findings: the first line of its range (`line` is the last), at `head_sha`. */
  start_line: number | null;
  severity: string | null;
  title: string | null;
  pipeline: string | null;
  /** Inline findings: open | fixed | outdated | dismissed. */
  state: Generated<FindingState>;
  /** When the state last changed; null while it is the first `open`. */
  state_at: number | null;
  /** Who changed it: a person's name as the platform gives it, or `loom`. */
  state_by: string | null;
}

/** Where a finding Loom posted stands; see `src/review/jobs/finding_states.ts`. */
export type FindingState = "open" | "fixed" | "outdated" | "dismissed";

/**
 * What the last completed review of a pull request read, so that the next push can be reviewed
 * incrementally (`src/review/jobs/incremental.ts`).
 */
export interface ReviewStatesTable {
  id: Generated<number>;
  platform: string;
  repository: string;
  pr_number: number;
  /** The head that review reviewed. */
  head_sha: string;
  /** The merge base of the change then, where the platform told it. */
  merge_base: string | null;
  /** sha256 of the config and prompts it read from the base branch. */
  config_fingerprint: string;
  review_id: number;
  summary_comment_id: string | null;
  updated_at: number;
}

/** What Loom knows of a pull request's state: open, closed (merged or declined), or unknown. */
export type PullRequestState = "open" | "closed" | "unknown";

/**
 * A pull request Loom reviewed, and whether it is open: its reviews, findings and comments are kept
 * while it is, and pruned once it has been closed (or unheard of) for the reviews retention.
 */
export interface PullRequestsTable {
  id: Generated<number>;
  platform: string;
  repository: string;
  pr_number: number;
  state: PullRequestState;
  /** When Loom learnt it was closed; null while open or unknown. */
  closed_at: number | null;
  /** When the state was last recorded (for `unknown`: the newest review's time). */
  updated_at: number;
}

/**
 * Whether Loom is paused on a pull request (no automatic reviews until resumed), by whom, when
 * and why; one row per pull request ever paused.
 */
export interface PullRequestPausesTable {
  platform: string;
  repository: string;
  pr_number: number;
  /** Null while not paused. */
  paused_at: number | null;
  /** Who paused it; null when Loom paused itself (`review.auto_pause_after`). */
  paused_by: string | null;
  reason: string | null;
  resumed_at: number | null;
  resumed_by: string | null;
}

/** What one request to a model spent; see migration 0009. */
export interface LlmUsageTable {
  review_id: number | null;
  platform: string;
  repository: string;
  pipeline: string;
  /** The model's name in the config. */
  endpoint: string;
  /** The model id sent to the endpoint. */
  model: string;
  kind: string;
  calls: number;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  /** Null when the model had no price. */
  cost_usd: number | null;
  /** UTC day of `created_at`, `YYYY-MM-DD`. */
  day: string;
  created_at: number;
}

/** The prompt and raw answer of one model call of a pipeline run, redacted and capped. */
export interface ReviewTranscriptsTable {
  id: Generated<number>;
  review_id: number;
  pipeline: string;
  /** The call's order within the pipeline's run. */
  seq: number;
  /** The model id the request named. */
  model: string;
  /** The request's JSON body. */
  request: string;
  /** The answer's body as the server sent it, or why none came. */
  response: string;
  /** HTTP status; null when no answer came. */
  status: number | null;
  duration_ms: number;
  created_at: number;
}

/** The `.loom/config.yaml` the last review of a repository read, and its validation errors. */
export interface RepositoryConfigsTable {
  platform: string;
  repository: string;
  /** The branch or sha it was read at. */
  ref: string;
  /** Null when the repository has no config file (the server's default applies). */
  text: string | null;
  /** JSON array of `ConfigError`. */
  errors: string;
  read_at: number;
}

/** The whole schema, as kysely sees it. */
export interface Tables {
  jobs: JobsTable;
  repositories: RepositoriesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  reviews: ReviewsTable;
  pipeline_runs: PipelineRunsTable;
  comments: CommentsTable;
  pull_requests: PullRequestsTable;
  review_states: ReviewStatesTable;
  pull_request_pauses: PullRequestPausesTable;
  llm_usage: LlmUsageTable;
  review_transcripts: ReviewTranscriptsTable;
  repository_configs: RepositoryConfigsTable;
}
