/**
 * The job kinds of the review flow and their payloads, in one place: each kind's name is a key
 * of {@link JOB_PAYLOADS} and nowhere else, and its payload type is read from its schema, as
 * graphile-worker's `GraphileWorker.Tasks` keys payload types by task name. A payload is parsed
 * when its job is claimed, before the handler runs, so handlers get typed payloads (no casts)
 * and a payload that does not parse ends the job at once with a clear reason.
 *
 * Producers and consumers both import this module, never each other: intake queues `review`,
 * `reply`, `command`, `resolve` and `close`, the review job `pipeline` and `publish`, the pipeline job resumes `publish`.
 * @module
 */
import { z } from "zod";
import type { RepoRef } from "./platform/mod.ts";
import {
  type EnqueueOptions,
  type EnqueueResult,
  type Job,
  type Lane,
  PermanentError,
  type Postpone,
  type Queue,
} from "./queue/mod.ts";
import type { HandlerContext, JobHandler } from "./worker/mod.ts";

// Loose: an adapter may carry more of its platform's ids on a RepoRef than the port names.
const repoRef: z.ZodType<RepoRef, RepoRef> = z.looseObject({
  platform: z.string().min(1),
  fullName: z.string().min(1),
  id: z.string().optional(),
  installation: z.string().optional(),
});
const prNumber = z.number().int().positive();

/**
 * Who gave the chat command a job answers: the job checks that they may command Loom before it
 * does anything (intake calls no platform API, so it cannot). Optional so that jobs queued before
 * it existed still parse; a job without it was not asked for by a command.
 */
const commandBy = z.object({
  name: z.string(),
  id: z.string().optional(),
  /** The delivery proved write access already (GitHub's author_association). */
  writer: z.boolean().optional(),
}).optional();

/** What every job of one review carries. */
const reviewRef = z.object({
  reviewId: z.number().int().positive(),
  repo: repoRef,
  pr: prNumber,
  /** The head commit reviewed: a push of another head supersedes the job. */
  headSha: z.string(),
});

/** Every job kind's payload schema. */
export const JOB_PAYLOADS = {
  /** Review a pull request: read it and its config, plan, fan out. */
  review: z.object({
    repo: repoRef,
    pr: prNumber,
    /** The head the event named; empty for a command (review whatever the head is now). */
    headSha: z.string(),
    /** What asked for it: opened, new_commits, reopened, ready, or command. */
    trigger: z.string(),
    /** The author of the `/loom review` command that asked for it. */
    commandBy,
    /**
     * Review the whole pull request even where an incremental review would do
     * (`/loom full-review`); absent means incremental when the config allows it.
     */
    full: z.boolean().optional(),
  }),
  /** Run one pipeline of a review against its model. */
  pipeline: reviewRef.extend({ pipeline: z.string().min(1) }),
  /**
   * Write a review's outcome to the platform, the only job that does. A `reviewed` publish runs
   * in two stages: it shows the pending status, then waits (postponed) for the pipelines, then
   * posts the findings and the final status; `pendingShown` records that the first stage ran.
   */
  publish: z.union([
    reviewRef.extend({
      outcome: z.literal("config_error"),
      baseRef: z.string(),
      /** Each error as `file:line:col: message`. */
      errors: z.array(z.string()),
    }),
    reviewRef.extend({
      outcome: z.literal("skipped"),
      reason: z.string(),
      /**
       * Say so on the platform: a `skipped` status with the reason (a skip rule, a pause,
       * `/loom ignore`). Absent: the review row alone records why (a draft, a branch outside
       * `triggers.branches`, which would otherwise put a status on every such pull request).
       */
      visible: z.boolean().optional(),
    }),
    /**
     * Not reviewed for its size (a diff past `LOOM_MAX_DIFF_BYTES`, or above `max_changes`):
     * a summary saying why, and a final status.
     */
    reviewRef.extend({ outcome: z.literal("not_reviewed"), reason: z.string() }),
    // Last, and the default: publish jobs queued before outcomes existed were all of this kind.
    reviewRef.extend({
      outcome: z.literal("reviewed").default("reviewed"),
      pendingShown: z.boolean().optional(),
    }),
  ]),
  /** Resolve every open thread of Loom's findings on a pull request (`/loom resolve`). */
  resolve: z.object({ repo: repoRef, pr: prNumber, commandBy }),
  /**
   * Answer a chat command that reads or changes Loom's state on a pull request: `pause` and
   * `resume` (automatic reviews), `config` (the effective config, posted as a comment).
   */
  command: z.object({
    repo: repoRef,
    pr: prNumber,
    command: z.enum(["pause", "resume", "config"]),
    commandBy,
  }),
  /** Post a comment answering a chat command. */
  reply: z.object({ repo: repoRef, pr: prNumber, body: z.string(), commandBy }),
  /**
   * Cancel a pull request's unfinished jobs (its `group`) if the platform says it is closed: what
   * names a delivery a close is not always signed (Bitbucket's `X-Event-Key`), so a replayed
   * delivery must not cancel the reviews of an open pull request on its word.
   */
  close: z.object({ repo: repoRef, pr: prNumber, group: z.string().min(1) }),
  /**
   * The retention prune (`src/maintenance/`): one job that recurs, postponing itself an hour after
   * each run; its dedupe key keeps one per store however many nodes share it.
   */
  prune: z.object({}),
  /** The scheduled SQLite backup: one job that recurs, postponing itself until the next is due. */
  backup: z.object({}),
};

/** The kinds that keep the store itself (`src/maintenance/`), not the review flow. */
export const MAINTENANCE_KINDS = ["prune", "backup"] as const satisfies readonly JobKind[];

/** A maintenance job kind. */
export type MaintenanceKind = (typeof MAINTENANCE_KINDS)[number];

/** A job kind of the review flow (`src/review/jobs/`). */
export type ReviewFlowKind = Exclude<JobKind, MaintenanceKind>;

/** A job kind of the review flow. */
export type JobKind = keyof typeof JOB_PAYLOADS;

/** The payload of a job of `kind`, as its handler sees it. */
export type JobPayload<K extends JobKind> = z.output<(typeof JOB_PAYLOADS)[K]>;

/** A handler of `kind`'s jobs, given the parsed payload. */
export type TypedHandler<K extends JobKind> = (
  job: Job<JobPayload<K>>,
  context: HandlerContext,
) => Promise<void | Postpone>;

/**
 * Wraps each typed handler into a pool handler that parses the payload first; a payload that
 * does not match its kind's schema is a permanent failure naming what is wrong. Callers name the
 * kinds they cover (`jobHandlers<ReviewFlowKind>(…)`), so a kind left out fails to compile.
 */
export function jobHandlers<K extends JobKind>(
  handlers: { [P in K]: TypedHandler<P> },
): Record<K, JobHandler> {
  const wrapped = {} as Record<K, JobHandler>;
  for (const kind of Object.keys(handlers) as K[]) wrapped[kind] = parsing(kind, handlers[kind]);
  return wrapped;
}

function parsing<K extends JobKind>(kind: K, handler: TypedHandler<K>): JobHandler {
  const schema: z.ZodType<unknown, unknown> = JOB_PAYLOADS[kind];
  return (job, context) => {
    const parsed = schema.safeParse(job.payload);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) =>
        `${i.path.join(".") || "payload"}: ${i.message}`
      );
      return Promise.reject(
        new PermanentError(
          `job ${job.id} (${kind}): the payload is not a ${kind} payload: ${issues.join("; ")}`,
        ),
      );
    }
    // The schema of `kind` produced it, so it is `kind`'s payload.
    return handler({ ...job, payload: parsed.data as JobPayload<K> }, context);
  };
}

/** Queues a job of `kind`; the payload is checked against the kind by the type checker. */
export function enqueueJob<K extends JobKind>(
  queue: Queue,
  kind: K,
  lane: Lane,
  payload: z.input<(typeof JOB_PAYLOADS)[K]>,
  options?: EnqueueOptions,
): Promise<EnqueueResult> {
  return queue.enqueue(kind, lane, payload, options);
}

/** The postponement a handler returns to run again later with `payload` (its next stage). */
export function postponeWith<K extends JobKind>(
  _kind: K,
  payload: JobPayload<K>,
  until: number,
): Postpone {
  return { postpone: { until, payload } };
}
