/**
 * The GitLab adapter (gitlab.com and self-managed instances), with a personal, project or group
 * access token.
 * @module
 */

import { z } from "zod";
import { type DiffFile, parseDiff } from "../../src/diff/mod.ts";
import { sameSecret } from "../../src/secrets/mod.ts";
import { createGitlabApi, diffEntry, gitlabMessage, type GitlabRequest } from "./api.ts";
import { compareCommits } from "./compare.ts";
import { diffFromGitlabDiffs } from "./_diff.ts";
import { parseGitlabEvent } from "./events.ts";
import { gitlabThreads } from "./threads.ts";
import { type GitlabDiffRefs, gitlabPosition } from "./_position.ts";
import {
  cachedIdentity,
  diffBudget,
  editOrPost,
  fileText,
  landedInline,
  markedInline,
  markedSummary,
  replyText,
  statusDescription,
  summaryText,
  withFingerprint,
} from "../_shared/mod.ts";
import {
  type CommitStatus,
  type GitAdapter,
  type InlineComment,
  type InlineResult,
  PlatformError,
  type PostedComment,
  type PullRequest,
  type RepoRef,
} from "../../src/platform/mod.ts";

/** How to reach GitLab and prove who Loom is; see {@link createGitlabAdapter}. */
export interface GitlabAdapterOptions {
  /** `LOOM_GITLAB_URL`: `https://gitlab.com`, or a self-managed instance's URL. */
  url: string;
  /** The webhook's secret token (`X-Gitlab-Token`); empty refuses every delivery. */
  webhookSecret: string;
  /** A personal, project or group access token with the `api` scope. */
  token?: string;
  fetch?: typeof fetch;
  /** The most bytes of a diff `fetchDiff` reads (`LOOM_MAX_DIFF_BYTES`); 5 MiB when not given. */
  maxDiffBytes?: number;
  now?: () => number;
  /** Waits between reads of a merge request whose diff GitLab is still preparing. */
  sleep?: (ms: number) => Promise<void>;
}

// The summary marker is shared with the other HTML-comment platforms; named here for callers
// that know this adapter only.
export { SUMMARY_MARKER } from "../_shared/mod.ts";

const STATUS_NAME = "loom";
const MAX_STATUS_DESCRIPTION = 255;
// Reads of a merge request whose `diff_refs` are missing, before the job is handed back to the
// queue: GitLab prepares a new merge request's diff asynchronously, usually within seconds.
const DIFF_REFS_WAITS_MS = [1_000, 2_000];
const DIFF_REFS_RETRY_AFTER_MS = 5_000;
const PAGE_SIZE = 100;

const STATES: Record<CommitStatus["state"], string> = {
  // Loom sets "pending" when it starts reviewing: GitLab's word for that is "running".
  pending: "running",
  success: "success",
  failure: "failed",
  // GitLab has no "error" state.
  error: "failed",
};

/**
 * Creates the GitLab adapter.
 *
 * Calls go to `${url}/api/v4` with `Authorization: Bearer <token>`. A project is addressed by the
 * numeric id a webhook carries (`RepoRef.id`) or else by its URL-encoded `path_with_namespace`
 * (`group%2Fsub%2Fproject`); a merge request by its `iid`. Failures throw {@link PlatformError}:
 * 429 is retryable after GitLab's `Retry-After`, 5xx and network errors are retryable, other 4xx
 * are permanent; a merge request whose diff GitLab is still preparing is retryable after a few
 * seconds.
 *
 * GitLab has no batch review: each inline comment is its own diff discussion, and a comment
 * GitLab refuses (400, its `line_code` error for a line outside the diff) is returned as rejected
 * while the others land.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGitlabAdapter } from "./adapter.ts";
 *
 * // A fake GitLab answering `GET /api/v4/projects/group%2Fapp/merge_requests/7`.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   seen.push(new Request(input, init));
 *   return Response.json({
 *     iid: 7,
 *     title: "Parameterise find",
 *     description: "",
 *     state: "opened",
 *     draft: false,
 *     source_branch: "feature",
 *     target_branch: "main",
 *     author: { username: "alice" },
 *     diff_refs: { base_sha: "8a9c1b2e", start_sha: "8a9c1b2e", head_sha: "d3022fc0" },
 *   });
 * };
 * const gitlab = createGitlabAdapter({
 *   url: "https://gitlab.example.com",
 *   webhookSecret: "webhook-s3cret",
 *   token: "glpat-example",
 *   fetch: fakeFetch,
 * });
 * const mr = await gitlab.getPullRequest({ platform: "gitlab", fullName: "group/app" }, 7);
 * assert.deepEqual(mr, {
 *   number: 7,
 *   title: "Parameterise find",
 *   description: "",
 *   headSha: "d3022fc0",
 *   baseSha: "8a9c1b2e",
 *   headRef: "feature",
 *   baseRef: "main",
 *   draft: false,
 *   state: "open",
 *   author: "alice",
 * });
 * assert.equal(
 *   seen[0].url,
 *   "https://gitlab.example.com/api/v4/projects/group%2Fapp/merge_requests/7",
 * );
 * ```
 */
export function createGitlabAdapter(options: GitlabAdapterOptions): GitAdapter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const api = createGitlabApi({
    url: options.url,
    token: options.token,
    fetch: options.fetch ?? fetch,
    now,
  });

  // The user the token acts as (a person, or a project or group access token's bot user): only
  // its notes are Loom's summary and findings, whatever markers others type.
  const whoAmI = cachedIdentity(async () =>
    (await api.json({ path: "/user" }, z.object({ id: z.number() }))).id
  );

  const mrCall = (repo: RepoRef, iid: number, suffix: string, extra: Partial<GitlabRequest>) =>
    ({
      path: `${projectPath(repo)}/merge_requests/${iid}${suffix}`,
      notFound: `merge request ${repo.fullName}!${iid} not found (or the token cannot see it)`,
      ...extra,
    }) satisfies GitlabRequest;

  /** The merge request, read again while GitLab has not yet prepared its diff. */
  const readyMergeRequest = async (repo: RepoRef, iid: number): Promise<MergeRequest> => {
    for (let attempt = 0;; attempt++) {
      const mr = await api.json(mrCall(repo, iid, "", {}), mergeRequest);
      if (mr.state !== "opened" || refsOf(mr)) return mr;
      if (attempt >= DIFF_REFS_WAITS_MS.length) {
        throw new PlatformError(
          `GitLab is still preparing the diff of ${repo.fullName}!${iid} (no diff_refs yet)`,
          { status: 0, retryable: true, retryAfterMs: DIFF_REFS_RETRY_AFTER_MS },
        );
      }
      await sleep(DIFF_REFS_WAITS_MS[attempt]);
    }
  };

  const diffText = async (repo: RepoRef, iid: number): Promise<string> => {
    const budget = diffBudget(options.maxDiffBytes);
    const entries = await api.list(
      mrCall(repo, iid, "/diffs", { query: { per_page: PAGE_SIZE } }),
      diffEntry,
      budget,
    );
    if (entries.some((e) => !e.diff && (e.too_large || e.collapsed))) {
      // Newer GitLab serves the whole diff, lines of large files included, as plain text: read
      // within a fresh budget, since it replaces the pages rather than adding to them.
      const res = await api.request(mrCall(repo, iid, "/raw_diffs", { expect: [404] }));
      if (res.status !== 404) return await diffBudget(options.maxDiffBytes).text(res);
      await res.body?.cancel();
    }
    if (entries.length === 0) {
      const mr = await api.json(mrCall(repo, iid, "", {}), mergeRequest);
      if (mr.prepared_at === null && mr.state === "opened") {
        throw new PlatformError(
          `GitLab is still preparing the diff of ${repo.fullName}!${iid} (no files yet)`,
          { status: 0, retryable: true, retryAfterMs: DIFF_REFS_RETRY_AFTER_MS },
        );
      }
    }
    return diffFromGitlabDiffs(entries);
  };

  const postDiscussion = async (
    repo: RepoRef,
    pr: PullRequest,
    refs: GitlabDiffRefs,
    files: DiffFile[],
    c: InlineComment,
  ): Promise<{ posted: PostedComment & { fingerprint: string } } | { rejected: string }> => {
    const call = mrCall(repo, pr.number, "/discussions", {
      method: "POST",
      body: {
        body: withFingerprint(c.body, c.fingerprint),
        position: gitlabPosition(files, refs, c),
      },
      expect: [400],
    });
    const res = await api.request(call);
    if (res.status === 400) return { rejected: gitlabMessage(await res.text()) };
    const discussion = await api.read(res, call, discussionSchema);
    const note = discussion.notes[0];
    return {
      posted: landedInline(c, note.id),
    };
  };

  const verifyToken = async (req: Request) => {
    const token = req.headers.get("x-gitlab-token");
    if (!options.webhookSecret || token === null) return false;
    return await sameSecret(token, options.webhookSecret);
  };

  return {
    platform: "gitlab",
    dialect: {
      // GitLab counts from the line the note is anchored on, the range's last line (as its own UI
      // anchors a dragged selection), so the range reaches upwards.
      suggestionFence: (span) => `suggestion:-${span}+0`,
      // GitLab allows far longer notes; Loom keeps every platform to GitHub's bound.
      maxCommentChars: 65_536,
    },

    // The token is a header: the whole check runs before the body is read, and again after.
    precheckWebhook: (req) => verifyToken(req),
    verifyWebhook: (req) => verifyToken(req),

    deliveryId(req, rawBody) {
      const header = req.headers.get("idempotency-key") || req.headers.get("x-gitlab-event-uuid");
      if (header) return header;
      // Old GitLab sends neither header: an id made from the body still recognises its retries.
      try {
        return parseGitlabEvent(req.headers.get("x-gitlab-event"), rawBody).derivedId ?? null;
      } catch {
        return null;
      }
    },

    parseEvent: (req, rawBody) =>
      parseGitlabEvent(req.headers.get("x-gitlab-event"), rawBody).event,

    async getPullRequest(repo, number) {
      const mr = await readyMergeRequest(repo, number);
      const refs = refsOf(mr);
      return {
        number: mr.iid,
        title: mr.title,
        description: mr.description ?? "",
        headSha: refs?.head_sha ?? mr.sha ?? "",
        baseSha: refs?.base_sha ?? "",
        headRef: mr.source_branch,
        baseRef: mr.target_branch,
        draft: mr.draft ?? mr.work_in_progress ?? false,
        state: mr.state === "opened" ? "open" : mr.state === "merged" ? "merged" : "closed",
        author: mr.author?.username ?? "",
        ...(mr.labels ? { labels: mr.labels } : {}),
      };
    },

    fetchDiff: (repo, pr) => diffText(repo, pr.number),

    async fetchFile(repo, path, ref) {
      return await fileText(
        await api.request({
          path: `${projectPath(repo)}/repository/files/${encodeURIComponent(path)}/raw`,
          query: { ref },
          expect: [404],
        }),
      );
    },

    async listComments(repo, pr) {
      const me = await whoAmI();
      const notes = await api.list(
        mrCall(repo, pr.number, "/notes", {
          query: { per_page: PAGE_SIZE, sort: "asc", order_by: "created_at" },
        }),
        noteSchema,
      );
      const out: PostedComment[] = [];
      for (const n of notes) {
        if (n.system || n.author?.id !== me) continue;
        const found = markedSummary(n) ?? inlineOf(n);
        if (found) out.push(found);
      }
      return out;
    },

    postSummary: (repo, pr, body, existing) =>
      editOrPost(api, {
        edit: existing &&
          mrCall(repo, pr.number, `/notes/${existing.id}`, {
            method: "PUT",
            body: { body: summaryText(body) },
          }),
        post: mrCall(repo, pr.number, "/notes", {
          method: "POST",
          body: { body: summaryText(body) },
        }),
      }, body),

    async postComment(repo, pr, body) {
      await api.send(mrCall(repo, pr.number, "/notes", {
        method: "POST",
        body: { body: replyText(body) },
      }));
    },

    async postInline(repo, pr, comments) {
      const result: InlineResult = { posted: [], rejected: [] };
      if (comments.length === 0) return result;
      const mr = await readyMergeRequest(repo, pr.number);
      const refs = refsOf(mr);
      if (!refs || refs.head_sha !== pr.headSha) {
        // Positions computed for another diff version would land on the wrong lines; the retry
        // reads the new head and leaves publishing to its review.
        throw new PlatformError(
          `${repo.fullName}!${pr.number} moved from ${pr.headSha.slice(0, 12)} to ` +
            `${(refs?.head_sha ?? "nothing").slice(0, 12)} before its comments were posted`,
          { status: 0, retryable: true, retryAfterMs: 1_000 },
        );
      }
      const files = parseDiff(await diffText(repo, pr.number));
      for (const c of comments) {
        const one = await postDiscussion(repo, pr, refs, files, c);
        if ("posted" in one) result.posted.push(one.posted);
        else result.rejected.push({ comment: c, reason: one.rejected });
      }
      return result;
    },

    // Built by the review-life work (issue 12); until then these say so.
    compareCommits: (repo, from, to, o) =>
      compareCommits({ api, projectPath, maxDiffBytes: options.maxDiffBytes }, repo, from, to, o),
    ...gitlabThreads({ api, mrCall, whoAmI }),
    async canWrite(repo, user) {
      // The members API is addressed by id; a note hook names it, an old one only the username.
      let id = user.id;
      if (id === undefined) {
        const [found] = await api.json(
          { path: "/users", query: { username: user.name } },
          z.array(z.object({ id: z.number().int() })),
        );
        if (!found) return false;
        id = String(found.id);
      }
      // `all`: inherited members too (a group's developers are the project's developers).
      const call = {
        path: `${projectPath(repo)}/members/all/${encodeURIComponent(id)}`,
        expect: [404],
      };
      const res = await api.request(call);
      if (res.status === 404) {
        await res.body?.cancel();
        return false;
      }
      const member = await api.read(res, call, z.object({ access_level: z.number() }));
      return member.access_level >= DEVELOPER;
    },

    async setStatus(repo, pr, status) {
      const description = statusDescription(status.description, MAX_STATUS_DESCRIPTION);
      const res = await api.request({
        method: "POST",
        path: `${projectPath(repo)}/statuses/${encodeURIComponent(pr.headSha)}`,
        body: {
          state: STATES[status.state],
          name: STATUS_NAME,
          description,
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        },
        expect: [400],
      });
      const text = await res.text();
      // GitLab refuses to move a status to the state it is in ("Cannot transition status via
      // :run from :running"), as when a retried review sets "running" again: already done.
      if (res.status === 400 && !/cannot transition status/i.test(text)) {
        throw new PlatformError(
          `GitLab POST /projects/…/statuses failed with 400: ${gitlabMessage(text)}`,
          { status: 400, retryable: false },
        );
      }
    },
  };
}

const diffRefs = z.object({
  base_sha: z.string().nullish(),
  start_sha: z.string().nullish(),
  head_sha: z.string().nullish(),
});

const mergeRequest = z.object({
  iid: z.number().int(),
  title: z.string(),
  description: z.string().nullish(),
  state: z.string(),
  draft: z.boolean().nullish(),
  work_in_progress: z.boolean().nullish(),
  sha: z.string().nullish(),
  source_branch: z.string(),
  target_branch: z.string(),
  author: z.object({ username: z.string() }).nullish(),
  diff_refs: diffRefs.nullish(),
  // Absent before GitLab 16.x; null until the merge request's preparation finished.
  prepared_at: z.string().nullish(),
  // Names, unless asked for `with_labels_details`.
  labels: z.array(z.string()).nullish(),
});
type MergeRequest = z.infer<typeof mergeRequest>;

const position = z.object({
  new_path: z.string().nullish(),
  new_line: z.number().nullish(),
  old_line: z.number().nullish(),
}).nullish();

const noteSchema = z.object({
  id: z.number(),
  body: z.string().nullish(),
  system: z.boolean().nullish(),
  author: z.object({ id: z.number() }).nullish(),
  position,
});
type Note = z.infer<typeof noteSchema>;

const discussionSchema = z.object({
  id: z.string(),
  notes: z.array(noteSchema).min(1),
});

/** GitLab's Developer access level, the least that may push to the project. */
const DEVELOPER = 30;

function refsOf(mr: MergeRequest): GitlabDiffRefs | null {
  const r = mr.diff_refs;
  if (!r?.base_sha || !r.head_sha) return null;
  return { base_sha: r.base_sha, start_sha: r.start_sha ?? r.base_sha, head_sha: r.head_sha };
}

/** `/projects/<numeric id>`, or the URL-encoded `path_with_namespace` when there is no id. */
function projectPath(repo: RepoRef): string {
  const id = repo.id ?? repo.fullName;
  if (!id || (!repo.id && !repo.fullName.includes("/"))) {
    throw new PlatformError(`"${repo.fullName}" is not a GitLab project path or id`, {
      status: 0,
      retryable: false,
    });
  }
  return `/projects/${encodeURIComponent(id)}`;
}

function inlineOf(n: Note): (PostedComment & { fingerprint: string }) | null {
  return markedInline(n, { path: n.position?.new_path, line: n.position?.new_line });
}
