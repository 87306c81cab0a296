/**
 * The `command` job: the chat commands that read or change Loom's state on a pull request.
 * `/loom pause` stops automatic reviews of it (pushes, reopening) until `/loom resume`, which
 * also reviews the head a pause left unreviewed; `/loom config` answers with the effective config.
 * Each is obeyed only when its author may command Loom (else nothing changes and nothing is
 * posted, the reason logged), and each answers with a short comment.
 * @module
 */
import { enqueueJob, type JobPayload, type TypedHandler } from "../../jobs.ts";
import type { GitAdapter, PullRequest } from "../../platform/mod.ts";
import { PermanentError } from "../../queue/mod.ts";
import {
  clampToServerCaps,
  configProvenance,
  formatConfigError,
  SERVER_KEY_ENV,
} from "../../repo_config/mod.ts";
import type { PauseState } from "../../store/mod.ts";
import { escapeInline } from "../../markdown/mod.ts";
import { renderConfigReply } from "../config_reply.ts";
import { summaryMaxChars } from "../summary.ts";
import { commandRefusal } from "./command_permission.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { CONFIG_PATH, repoSetupAt } from "./repo_config_at.ts";

type Payload = JobPayload<"command">;

/** The handler of `command` jobs. */
export function commandJob(deps: ReviewJobDeps): TypedHandler<"command"> {
  return async (job) => {
    const { payload } = job;
    const adapter = deps.adapters[payload.repo.platform];
    if (!adapter) throw new PermanentError(`platform ${payload.repo.platform} is not configured`);
    const log = deps.log.with({ job_id: job.id, repo: payload.repo.fullName, pr: payload.pr });
    const refused = await commandRefusal(deps, adapter, payload);
    if (refused) return log.info("command not obeyed", { reason: refused });
    const pr = await adapter.getPullRequest(payload.repo, payload.pr);
    const by = payload.commandBy?.name ?? "someone";
    const ref = { repo: payload.repo, pr: payload.pr };
    const now = (deps.now ?? Date.now)();
    let body: string;
    if (payload.command === "pause") {
      const paused = await deps.store.pausePullRequest(ref, { by, reason: "/loom pause", now });
      const state = await deps.store.getPause(ref);
      body = paused
        ? `⏸️ Loom is paused on this pull request (by ${escapeInline(by)}): new pushes are not ` +
          "reviewed until `/loom resume`. Commands still work: `/loom review` reviews once."
        : `⏸️ Loom was already paused on this pull request (${pausedText(state)}). ` +
          "Comment `/loom resume` to review new pushes again.";
    } else if (payload.command === "resume") {
      const resumed = await deps.store.resumePullRequest(ref, { by, now });
      const queued = resumed ? await reviewSkippedHead(deps, payload, pr, job.groupKey) : false;
      body = !resumed
        ? "▶️ Loom was not paused on this pull request: new pushes are reviewed."
        : `▶️ Loom resumed on this pull request (by ${escapeInline(by)}): new pushes are ` +
          `reviewed again${queued ? ", starting with the current head now" : ""}.`;
    } else {
      body = await configReply(deps, adapter, payload, pr);
    }
    await adapter.postComment(payload.repo, pr, body);
    log.info("command obeyed", { command: payload.command, by });
  };
}

/**
 * Queues the review of the pull request's head when no review of it was published (a push came
 * while paused): as a push would, so the skip rules and `review.auto_pause_after` apply, and a
 * review of the same head already queued is not doubled (the same dedupe key as intake's).
 */
async function reviewSkippedHead(
  deps: ReviewJobDeps,
  payload: Payload,
  pr: PullRequest,
  group: string | null,
): Promise<boolean> {
  if (await deps.store.headReviewed(payload, pr.headSha)) return false;
  await enqueueJob(deps.queue, "review", "normal", {
    repo: payload.repo,
    pr: payload.pr,
    headSha: pr.headSha,
    trigger: "resumed",
  }, {
    ...(group ? { groupKey: group, dedupeKey: `review:${group}@${pr.headSha}` } : {}),
  });
  return true;
}

/** The `/loom config` answer: the config a review of this pull request would use now. */
async function configReply(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  payload: Payload,
  pr: PullRequest,
): Promise<string> {
  const text = await adapter.fetchFile(payload.repo, CONFIG_PATH, pr.baseRef);
  const setup = await repoSetupAt(adapter, payload.repo, pr.baseRef, deps.policy, deps.llm);
  const pause = await deps.store.getPause({ repo: payload.repo, pr: payload.pr });
  const common = {
    file: CONFIG_PATH,
    baseRef: pr.baseRef,
    found: text !== null,
    ...(pause.paused
      ? { paused: `Loom is paused on this pull request (${pausedText(pause)}).` }
      : {}),
    maxChars: summaryMaxChars(adapter.dialect),
  };
  if (!setup.ok) {
    return renderConfigReply({
      ...common,
      errors: setup.errors.map(formatConfigError),
      values: [],
      notes: [],
      secrets: [deps.llm.apiKey ?? ""],
    });
  }
  const { config, notes } = deps.caps
    ? clampToServerCaps(setup.config, deps.caps)
    : { config: setup.config, notes: [] };
  // The keys the config may reach, masked wherever they would show (a base URL quoting one).
  const keyEnvs = Object.values(setup.config.models).flatMap((m) => m.api_key_env ?? []);
  const secrets = [
    deps.llm.apiKey ?? "",
    ...keyEnvs.map((name) => name === SERVER_KEY_ENV ? "" : deps.env[name] ?? ""),
  ];
  return renderConfigReply({
    ...common,
    errors: [],
    values: configProvenance(text, setup.config, config),
    notes,
    secrets,
  });
}

function pausedText(state: PauseState): string {
  const paused = state.paused;
  if (!paused) return "no longer";
  const when = new Date(paused.at).toISOString().slice(0, 16).replace("T", " ");
  return paused.by !== null
    ? `by ${escapeInline(paused.by)} since ${when} UTC`
    : `${escapeInline(paused.reason)}, since ${when} UTC`;
}
