/**
 * Intake: a verified platform event becomes a job, or a reason not to make one. Shared by every
 * platform; it answers within milliseconds, leaving every platform API call to the jobs.
 * @module
 */
import { z } from "zod";
import { cancelReviews } from "./cancel_reviews.ts";
import { HELP_TEXT } from "./commands.ts";
import { enqueueJob } from "./jobs.ts";
import type { ChatCommand, PlatformEvent, RepoRef } from "./platform/mod.ts";
import type { EnqueueResult, Queue } from "./queue/mod.ts";
import type { IntakeFacts, ReviewStore } from "./store/mod.ts";

/** What the webhook answers. */
export type IntakeResult =
  | { status: 202; body: { job_id: number } }
  | { status: 200; body: { ignored: string } | { ok: string; job_id?: number } }
  | { status: 429; body: { error: string }; retryAfterS: number };

/** What intake needs. */
export interface IntakeDeps {
  store: ReviewStore;
  queue: Queue;
  /** Reviews per minute per repository: pushes only, commands never consume it. */
  rateLimitPerRepo: number;
  /** Reviews and commands one person may cause per hour; unlimited when absent. */
  rateLimitPerUser?: number;
  /** Commands per hour on one pull request, whoever gives them; unlimited when absent. */
  commandsPerPr?: number;
  now?: () => number;
}

const HOUR_MS = 3_600_000;

/**
 * How long a `/loom review` keeps the pull request's review its own: a second one within it,
 * while the first is unfinished, is ignored rather than cancelling and restarting it (a commenter
 * repeating the command would otherwise keep the review from ever finishing).
 */
export const REVIEW_COMMAND_WINDOW_MS = 5 * 60_000;

/** The key grouping the jobs of one pull request. */
export function prGroupKey(repo: RepoRef, pr: number): string {
  return `${repo.platform}:${repo.fullName}#${pr}`;
}

/** Handles one verified delivery; see {@link createIntake}. */
export type Intake = (
  platform: string,
  deliveryId: string | null,
  event: PlatformEvent,
) => Promise<IntakeResult>;

/**
 * Creates the intake. A delivery id seen before queues nothing (platforms redeliver); a head
 * already reviewed is not reviewed again unasked; a new head commit supersedes the pull
 * request's unfinished jobs of older heads; a closed pull request cancels its unfinished jobs
 * once a `close` job has read from the platform that it is closed; each repository gets
 * `rateLimitPerRepo` reviews a minute, counting pushes only; each person `rateLimitPerUser`
 * reviews and commands an hour; each pull request `commandsPerPr` commands an hour; a
 * `/loom review` repeated while the one before it runs is ignored. Whether a command's author may
 * command Loom at all is the job's to ask the platform (intake calls no API).
 *
 * A command over a limit is answered 200 with the reason, not 429: the platform would count the
 * refusals against the webhook (GitLab disables a hook that keeps failing), which would let any
 * commenter switch Loom off.
 *
 * The common path is one read of everything intake must know, then two writes that deliveries
 * arriving together share (the enqueue and the delivery record are group-committed), so a burst
 * of webhooks costs a few commits, not two per delivery. Two copies of one delivery racing each
 * other can both pass the read; a review still yields one job (its dedupe key), only a doubled
 * command could run twice.
 */
export function createIntake(deps: IntakeDeps): Intake {
  const recordRepository = repositoryRecorder(deps.store);

  return async (platform, deliveryId, event) => {
    const now = (deps.now ?? Date.now)();
    if (event.type === "ping") return { status: 200, body: { ok: "pong" } };
    if (event.type === "ignored") return { status: 200, body: { ignored: event.reason } };
    const facts = await deps.store.lookUpIntakeFacts({
      platform,
      deliveryId,
      repo: event.repo,
      pr: event.pr,
      headSha: event.type === "review" ? event.headSha : null,
      groupKey: prGroupKey(event.repo, event.pr),
      since: now - 60_000,
      actor: actorOf(event),
      hourSince: now - HOUR_MS,
    });
    if (facts.seen) {
      return { status: 200, body: { ignored: `delivery ${deliveryId} was already received` } };
    }
    const overUser = deps.rateLimitPerUser !== undefined && facts.byActor >= deps.rateLimitPerUser;
    const retryUserS = retryAfter(facts.byActorOldest, HOUR_MS, now);
    if (event.type === "command") {
      const refused = commandRefusal(deps, event, facts, overUser, retryUserS, now);
      if (refused) {
        await record(deps, platform, deliveryId, event, refused, now);
        return refused;
      }
    }
    if (event.type === "review" && overUser) {
      return {
        status: 429,
        body: {
          error: `${event.actor} reached ${deps.rateLimitPerUser} reviews and commands per hour ` +
            `(LOOM_RATE_LIMIT_PER_USER); retry in ${retryUserS} s`,
        },
        retryAfterS: retryUserS,
      };
    }
    if (event.type === "review" && facts.recent >= deps.rateLimitPerRepo) {
      const retryAfterS = retryAfter(facts.oldest, 60_000, now);
      return {
        status: 429,
        body: {
          error: `${event.repo.fullName} reached ${deps.rateLimitPerRepo} reviews per minute ` +
            `(LOOM_RATE_LIMIT_PER_REPO); retry in ${retryAfterS} s`,
        },
        retryAfterS,
      };
    }
    if (event.type === "review" && facts.reviewed) {
      return {
        status: 200,
        body: {
          ignored: `${event.headSha.slice(0, 12)} was already reviewed (comment /loom review to ` +
            `review it again)`,
        },
      };
    }
    await recordRepository(event.repo, now);
    const { result, created } = await act(deps, event, facts.active > 0);
    try {
      await record(deps, platform, deliveryId, event, result, now);
    } catch (error) {
      // The delivery is refused (the platform redelivers it), so the job it made must not stay
      // behind: a redelivery would otherwise make a second one.
      if (created !== null) await withdraw(deps.queue, created);
      throw error;
    }
    return result;
  };
}

/** Whom a delivery is counted against: a review's actor, a command's author (by name). */
function actorOf(event: Exclude<PlatformEvent, { type: "ping" | "ignored" }>): string | null {
  if (event.type === "review") return event.actor ?? null;
  if (event.type === "command") return event.author || null;
  return null;
}

function retryAfter(oldest: number | null, windowMs: number, now: number): number {
  return Math.max(1, Math.ceil(((oldest ?? now) + windowMs - now) / 1000));
}

/** Why a command is not acted on (a limit, a `/loom review` already running), or null. */
function commandRefusal(
  deps: IntakeDeps,
  event: Extract<PlatformEvent, { type: "command" }>,
  facts: IntakeFacts,
  overUser: boolean,
  retryUserS: number,
  now: number,
): IntakeResult | null {
  const ignored = (reason: string): IntakeResult => ({ status: 200, body: { ignored: reason } });
  if (overUser) {
    return ignored(
      `${event.author} reached ${deps.rateLimitPerUser} reviews and commands per hour ` +
        `(LOOM_RATE_LIMIT_PER_USER); try again in ${retryUserS} s`,
    );
  }
  if (deps.commandsPerPr !== undefined && facts.prCommands >= deps.commandsPerPr) {
    const retryS = retryAfter(facts.prCommandsOldest, HOUR_MS, now);
    return ignored(
      `pull request #${event.pr} reached ${deps.commandsPerPr} commands per hour ` +
        `(LOOM_RATE_LIMIT_COMMANDS_PER_PR); try again in ${retryS} s`,
    );
  }
  if (
    isReviewCommand(event.command) && facts.active > 0 && facts.lastReviewCommand !== null &&
    facts.lastReviewCommand > now - REVIEW_COMMAND_WINDOW_MS
  ) {
    return ignored(
      `a /loom review asked ${Math.round((now - facts.lastReviewCommand) / 1000)} s ago is ` +
        `still running; it is not restarted`,
    );
  }
  return null;
}

/**
 * The commands that (re)start the pull request's review: a second one while the first runs is
 * ignored, whichever of the two each is (the delivery records both as `review`).
 */
function isReviewCommand(command: ChatCommand): boolean {
  return command === "review" || command === "full-review";
}

/** Remembers the delivery (when it has an id), with whom and what it counts against. */
async function record(
  deps: IntakeDeps,
  platform: string,
  deliveryId: string | null,
  event: Exclude<PlatformEvent, { type: "ping" | "ignored" }>,
  result: IntakeResult,
  now: number,
): Promise<void> {
  if (!deliveryId) return;
  await deps.store.recordDelivery({
    platform,
    deliveryId,
    event: event.type,
    repository: event.repo.fullName,
    outcome: result.status === 202 ? "queued" : "ignored",
    jobId: "job_id" in result.body ? result.body.job_id ?? null : null,
    at: now,
    actor: actorOf(event),
    pr: event.pr,
    // Both re-reviews are recorded as `review`: the "already running" check reads that name.
    command: event.type === "command"
      ? (isReviewCommand(event.command) ? "review" : event.command)
      : null,
  });
}

/** The head every job of a pull request's review carries. */
const headShaOf = z.object({ headSha: z.string() });

/**
 * Takes back a job whose delivery could not be recorded: deleted while no worker has touched it,
 * else cancelled. If the store cannot do even that, the job stays (a review's or close's dedupe
 * key still keeps its redelivery from adding a second one).
 */
async function withdraw(queue: Queue, id: number): Promise<void> {
  try {
    if (!(await queue.withdraw(id))) {
      await queue.cancel(id, "its webhook delivery could not be recorded; the platform redelivers");
    }
  } catch { /* the caller's error is the one to report */ }
}

/** What {@link act} did: the answer, and the job it created (null: none, or an existing one). */
interface Acted {
  result: IntakeResult;
  created: number | null;
}

async function act(
  deps: IntakeDeps,
  event: Exclude<PlatformEvent, { type: "ping" | "ignored" }>,
  hasActiveJobs: boolean,
): Promise<Acted> {
  const made = ({ id, created }: EnqueueResult) => (created ? id : null);
  const group = prGroupKey(event.repo, event.pr);
  if (event.type === "closed") {
    if (!hasActiveJobs) {
      return {
        result: { status: 200, body: { ok: "closed: 0 unfinished jobs cancelled" } },
        created: null,
      };
    }
    // Not on the delivery's word (its event name may be unsigned, a replayed comment re-labelled
    // as a decline): a job asks the platform and cancels only if the pull request is closed. Out
    // of the group, so the cancel does not cancel it; one per pull request at a time.
    const job = await enqueueJob(deps.queue, "close", "high", {
      repo: event.repo,
      pr: event.pr,
      group,
    }, { dedupeKey: `close:${group}` });
    return {
      result: {
        status: 200,
        body: {
          ok: "closed: unfinished jobs are cancelled once the platform confirms it is closed",
          job_id: job.id,
        },
      },
      created: made(job),
    };
  }
  if (event.type === "command") {
    const commandBy = {
      name: event.author,
      ...(event.authorId !== undefined ? { id: event.authorId } : {}),
      ...(event.authorIsWriter ? { writer: true } : {}),
    };
    const ref = { repo: event.repo, pr: event.pr, commandBy };
    const queued = (job: EnqueueResult): Acted => ({
      result: { status: 202, body: { job_id: job.id } },
      created: made(job),
    });
    switch (event.command) {
      case "help": {
        const job = await enqueueJob(deps.queue, "reply", "high", {
          ...ref,
          body: HELP_TEXT,
        }, { groupKey: group });
        return queued(job);
      }
      case "pause":
      case "resume":
      case "config": {
        const job = await enqueueJob(deps.queue, "command", "high", {
          ...ref,
          command: event.command,
        }, { groupKey: group });
        return queued(job);
      }
      case "resolve": {
        const job = await enqueueJob(deps.queue, "resolve", "high", ref, { groupKey: group });
        return queued(job);
      }
      case "review":
      case "full-review": {
        // A re-review on demand (incremental, or the whole pull request for full-review). What
        // runs for the pull request now is cancelled by the review job once it knows the author
        // may command Loom, not here: anyone can comment.
        const job = await enqueueJob(deps.queue, "review", "high", {
          ...ref,
          headSha: "",
          trigger: "command",
          ...(event.command === "full-review" ? { full: true } : {}),
        }, { groupKey: group });
        return queued(job);
      }
    }
  }
  // A new head commit makes the reviews of older heads moot; the same head's jobs stay.
  if (hasActiveJobs) {
    await cancelReviews(
      deps,
      group,
      `superseded by ${event.headSha.slice(0, 12)}`,
      (payload) => headShaOf.safeParse(payload).data?.headSha === event.headSha,
    );
  }
  const job = await enqueueJob(deps.queue, "review", "normal", {
    repo: event.repo,
    pr: event.pr,
    headSha: event.headSha,
    trigger: event.reason,
  }, {
    groupKey: group,
    dedupeKey: `review:${group}@${event.headSha}`,
  });
  return { result: { status: 202, body: { job_id: job.id } }, created: made(job) };
}

/**
 * Records repositories, at most once a minute each: the table is a directory of who talks to
 * Loom, not a log, and a write per delivery would cost a commit each time.
 */
function repositoryRecorder(store: ReviewStore) {
  const recorded = new Map<string, number>();
  return async (repo: RepoRef, now: number): Promise<void> => {
    const key = `${repo.platform}:${repo.fullName}`;
    if ((recorded.get(key) ?? 0) > now - 60_000) return;
    recorded.set(key, now);
    await store.recordRepository(repo, now);
  };
}
