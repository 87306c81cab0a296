/**
 * Finding states: what became of each finding Loom posted inline on a pull request.
 *
 * - Before a review is published, people's verdicts are read from the platform's threads: a
 *   thread a person resolved, a reply saying "won't fix" / "not an issue" / 👎, or a 👎 reaction
 *   makes the finding `dismissed`, with who and when. A dismissed finding is never posted again
 *   on that pull request, nor listed, even when a full review reports it.
 * - After the review, an open finding it does not report again is `fixed` when the push changed
 *   its lines (its thread is resolved, or a note posted where the platform cannot resolve), and
 *   `outdated` when its lines are no longer in the pull request's diff. Where the history was
 *   rewritten there is no telling which lines a push changed: a full review that does not report
 *   a finding again outdates it. Open findings that only moved are renumbered onto the new head,
 *   so the next push is compared with their true lines.
 *
 * Every change is made only to findings still `open`, so a verdict given meanwhile stands.
 * @module
 */
import { commentableLines, type DiffFile, parseDiff, shiftRange } from "../../diff/mod.ts";
import type { Finding } from "../../findings/mod.ts";
import { type GitAdapter, PlatformError, type PullRequest } from "../../platform/mod.ts";
import type { FindingPlace, FindingRecord, FindingStateChange } from "../../store/mod.ts";
import { dismissalOf } from "../dismissal.ts";
import type { ReviewJobDeps } from "./deps.ts";
import type { ReviewLife } from "./incremental.ts";

/** The pull request a review publishes on, as the state functions need it. */
export interface FindingsPlace {
  repo: { platform: string; fullName: string };
  pr: PullRequest;
}

/**
 * Reads people's verdicts on Loom's open threads and marks those findings dismissed; returns the
 * findings dismissed now and the fingerprints of every dismissed finding of the pull request.
 */
export async function readDismissals(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  { repo, pr }: FindingsPlace,
): Promise<{ dismissedNow: FindingRecord[]; dismissed: Set<string> }> {
  const records = await deps.store.listFindings(repo, pr.number);
  const open = records.filter((r) => r.state === "open");
  const dismissed = new Set(
    records.filter((r) => r.state === "dismissed").map((r) => r.fingerprint),
  );
  if (open.length === 0) return { dismissedNow: [], dismissed };
  let threads;
  try {
    threads = await adapter.listThreads(repo, pr);
  } catch (error) {
    if (!notBuilt(error)) throw error;
    return { dismissedNow: [], dismissed };
  }
  const mayDismiss = writerCheck(deps, adapter, repo);
  const changes: FindingStateChange[] = [];
  for (const thread of threads) {
    const record = open.find((r) =>
      r.commentId === thread.commentId ||
      (thread.fingerprint !== undefined && r.fingerprint === thread.fingerprint)
    );
    if (!record) continue;
    const verdict = await dismissalOf(thread, mayDismiss);
    if (verdict) {
      changes.push({ fingerprint: record.fingerprint, state: "dismissed", by: verdict.by });
    }
  }
  const changed = new Set(await deps.store.setFindingState(repo, pr.number, changes, now(deps)));
  for (const fingerprint of changed) dismissed.add(fingerprint);
  const dismissedNow = open.flatMap((r) => {
    if (!changed.has(r.fingerprint)) return [];
    const by = changes.find((c) => c.fingerprint === r.fingerprint)?.by ?? null;
    return [{ ...r, state: "dismissed" as const, stateBy: by }];
  });
  return { dismissedNow, dismissed };
}

/** What a review did to earlier findings, for its summary and status. */
export interface SettledFindings {
  fixed: FindingRecord[];
  outdated: FindingRecord[];
  /** Open findings of earlier reviews this review did not report (it may not have seen them). */
  stillOpen: FindingRecord[];
}

/**
 * After a review of `pr`'s head: marks earlier open findings fixed or outdated (resolving the
 * threads of fixed ones) and renumbers the rest onto the head; see the module doc. `reported`
 * are this review's findings; `prFiles` the pull request's whole diff.
 */
export async function settleFindings(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  { repo, pr }: FindingsPlace,
  review: { reviewId: number; life: ReviewLife; reported: Finding[]; prFiles: DiffFile[] },
): Promise<SettledFindings> {
  const { life, prFiles } = review;
  const reported = new Map(review.reported.map((f) => [f.fingerprint, f]));
  const records = await deps.store.listFindings(repo, pr.number);
  const earlier = records.filter((r) => r.state === "open" && r.reviewId !== review.reviewId);
  const push = life.pushDiff !== undefined ? parseDiff(life.pushDiff) : null;
  const inDiff = commentableIndex(prFiles);
  const fixed: FindingRecord[] = [];
  const outdated: FindingRecord[] = [];
  const stillOpen: FindingRecord[] = [];
  const moves: FindingPlace[] = [];
  for (const r of earlier) {
    const again = reported.get(r.fingerprint);
    if (again) {
      // Reported again: still open, on the lines the model names now.
      moves.push({
        fingerprint: r.fingerprint,
        path: again.path,
        startLine: again.line,
        line: again.end_line ?? again.line,
        headSha: pr.headSha,
      });
      continue;
    }
    if (r.path === null || r.line === null) {
      stillOpen.push(r);
      continue;
    }
    const range = { path: r.path, start: r.startLine ?? r.line, end: r.line };
    const onHead = r.headSha === pr.headSha;
    const comparable = push !== null && r.headSha === life.from;
    if (!onHead && !comparable) {
      // Lines numbered on a head this review cannot relate to the new one.
      if (life.mode === "full" && life.pushDiff === undefined && life.from !== undefined) {
        outdated.push(r);
      } else stillOpen.push(r);
      continue;
    }
    const shift = onHead ? { touched: false as const, range } : shiftRange(push!, range);
    if (shift.touched) {
      fixed.push(r);
      continue;
    }
    const lines = inDiff.get(shift.range.path);
    if (!lines || !lines.has(shift.range.start) || !lines.has(shift.range.end)) {
      outdated.push({
        ...r,
        path: shift.range.path,
        startLine: shift.range.start,
        line: shift.range.end,
      });
      continue;
    }
    const moved = {
      ...r,
      path: shift.range.path,
      startLine: shift.range.start,
      line: shift.range.end,
    };
    stillOpen.push(moved);
    if (!onHead) {
      moves.push({
        fingerprint: r.fingerprint,
        path: moved.path!,
        startLine: moved.startLine!,
        line: moved.line!,
        headSha: pr.headSha,
      });
    }
  }
  await deps.store.moveFindings(repo, pr.number, moves);

  const note = `✅ Fixed in ${pr.headSha.slice(0, 7)}`;
  const resolvedFixed: FindingRecord[] = [];
  for (const r of fixed) {
    if (r.commentId !== null) await resolve(deps, adapter, { repo, pr }, r.commentId, note);
    const changed = await deps.store.setFindingState(repo, pr.number, [{
      fingerprint: r.fingerprint,
      state: "fixed",
      by: "loom",
    }], now(deps));
    if (changed.length > 0) resolvedFixed.push({ ...r, state: "fixed", stateBy: "loom" });
  }
  const changedOutdated = new Set(
    await deps.store.setFindingState(
      repo,
      pr.number,
      outdated.map((r) => ({ fingerprint: r.fingerprint, state: "outdated", by: "loom" })),
      now(deps),
    ),
  );
  return {
    fixed: resolvedFixed,
    outdated: outdated.filter((r) => changedOutdated.has(r.fingerprint)),
    stillOpen,
  };
}

/**
 * Resolves the thread of Loom's comment `commentId`. A platform that cannot (yet) resolve, or a
 * comment gone, still leaves the finding fixed; an error a retry may cure is thrown, before the
 * finding is marked, so the retried publish resolves it.
 */
async function resolve(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  { repo, pr }: FindingsPlace,
  commentId: string,
  note: string,
): Promise<void> {
  try {
    const outcome = await adapter.resolveThread(repo, pr, commentId, note);
    deps.log.info("thread of a fixed finding resolved", { comment: commentId, outcome });
  } catch (error) {
    if (!(error instanceof PlatformError) || error.retryable) throw error;
    deps.log.warn("the platform refused to resolve a thread", {
      comment: commentId,
      status: error.status,
      error: error.message,
    });
  }
}

/** Who may dismiss a finding by a reply or a reaction: whoever may command Loom. */
function writerCheck(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  repo: { platform: string; fullName: string },
): (name: string) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (name) => {
    if (deps.commandsFrom === "anyone") return Promise.resolve(true);
    if (!known.has(name)) {
      known.set(
        name,
        adapter.canWrite(repo, { name }).catch((error) => {
          deps.log.warn("could not ask whether a replier may dismiss a finding", {
            user: name,
            error: error instanceof Error ? error.message : String(error),
          });
          return false;
        }),
      );
    }
    return known.get(name)!;
  };
}

function commentableIndex(files: DiffFile[]): Map<string, Set<number>> {
  const index = new Map<string, Set<number>>();
  for (const f of files) if (f.newPath !== null) index.set(f.newPath, commentableLines(f));
  return index;
}

function notBuilt(error: unknown): boolean {
  return error instanceof PlatformError && error.status === 501;
}

function now(deps: ReviewJobDeps): number {
  return (deps.now ?? Date.now)();
}
