/**
 * A stateful fake GitLab REST API (v4) on a real 127.0.0.1 port.
 *
 * It answers the calls Loom makes the way GitLab does, including GitLab's refusals: a diff
 * discussion whose `position` is not a line of the merge request's diff (or whose SHAs are not
 * a diff version) is a 400 with GitLab's `line_code` error; a commit status moved to the state it
 * is in is a 400 "Cannot transition status". It checks the token (`PRIVATE-TOKEN` or
 * `Authorization: Bearer`), paginates with `x-next-page` and `Link`, can answer a new merge
 * request without `diff_refs` for its first reads (as while GitLab prepares it), can be told to
 * fail the next calls (429 with `Retry-After`, 5xx), and records every request. What GitLab would
 * accept but show wrongly (a `line_range` that is not the lines commented on, a suggestion that
 * does not cover them) is collected in {@link FakeGitlab.violations}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeGitlab } from "./server.ts";
 *
 * const gitlab = await startFakeGitlab({ token: "glpat-t0ken" });
 * try {
 *   const mr = gitlab.addMergeRequest({
 *     project: "group/app",
 *     iid: 7,
 *     diff: "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n",
 *   });
 *   const { baseSha, startSha, headSha } = mr.versions[0];
 *   // Loom would be pointed at gitlab.url; here two diff discussions by hand.
 *   const discuss = (line: number) =>
 *     fetch(`${gitlab.url}/api/v4/projects/group%2Fapp/merge_requests/7/discussions`, {
 *       method: "POST",
 *       headers: { "private-token": "glpat-t0ken", "content-type": "application/json" },
 *       body: JSON.stringify({
 *         body: "Nit",
 *         position: {
 *           position_type: "text",
 *           base_sha: baseSha,
 *           start_sha: startSha,
 *           head_sha: headSha,
 *           old_path: "a.ts",
 *           new_path: "a.ts",
 *           new_line: line,
 *         },
 *       }),
 *     });
 *   const onTheDiff = await discuss(1);
 *   await onTheDiff.body?.cancel();
 *   assert.equal(onTheDiff.status, 201);
 *   const outside = await discuss(9); // not a line of the diff: GitLab's 400
 *   assert.equal(outside.status, 400);
 *   assert.match((await outside.json()).message, /line_code/);
 *   assert.equal(gitlab.discussions("group/app", 7).length, 1);
 *   assert.deepEqual(gitlab.violations, []);
 * } finally {
 *   await gitlab.close();
 * }
 * ```
 * @module
 */

import { createHash } from "node:crypto";
import { type DiffFile, type DiffLine, renderHunk } from "../../../src/diff/mod.ts";
import { diffFiles } from "../diff_lines.ts";
import { fakeSha as sha } from "../fake_sha.ts";
import { json, noContent, text } from "../answers.ts";
import * as kit from "../fake_server.ts";
import { pageLink, pageOf } from "../pagination.ts";
import { type CommitGraph, createCommitGraph } from "../commit_graph.ts";
import { trackCommits } from "../pull_request_seed.ts";

/** A user as GitLab shows it. */
export interface FakeUser {
  id: number;
  username: string;
  name: string;
}

/** How a merge request is seeded; everything but `project` has a default. */
export interface FakeMergeRequestInput {
  /** `path_with_namespace`; the project is created when new. */
  project: string;
  /** The project's numeric id, when the project is new; defaults to the next free one. */
  projectId?: number;
  /** Defaults to the project's next iid. */
  iid?: number;
  title?: string;
  description?: string;
  sourceBranch?: string;
  targetBranch?: string;
  author?: string;
  draft?: boolean;
  state?: "opened" | "closed" | "merged" | "locked";
  headSha?: string;
  baseSha?: string;
  /** The target branch's head when the diff version was made; the base SHA by default. */
  startSha?: string;
  /** The unified diff GitLab would serve; diff discussions must sit on its lines. */
  diff?: string;
  /**
   * How many reads of the merge request answer `diff_refs: null` and `prepared_at: null` (and
   * its diffs none), as GitLab does while it prepares a just-opened merge request.
   */
  unpreparedReads?: number;
  /** Paths `/diffs` answers as `too_large` and `collapsed`, with an empty `diff`. */
  tooLarge?: string[];
  /** The names of its labels; none by default. */
  labels?: string[];
}

/** A diff version: the SHAs a position must name, and its diff. */
export interface FakeDiffVersion {
  id: number;
  baseSha: string;
  startSha: string;
  headSha: string;
  diff: string;
}

/** A merge request as the fake holds it. */
export interface FakeMergeRequest {
  id: number;
  iid: number;
  project: string;
  projectId: number;
  title: string;
  description: string;
  sourceBranch: string;
  targetBranch: string;
  author: string;
  draft: boolean;
  state: "opened" | "closed" | "merged" | "locked";
  /** Newest first. */
  versions: FakeDiffVersion[];
  unpreparedReads: number;
  tooLarge: string[];
  labels: string[];
}

/** A note (comment) on a merge request. */
export interface FakeNote {
  id: number;
  projectId: number;
  iid: number;
  /** `null` for a plain note, `DiffNote` for one in a diff discussion. */
  type: null | "DiffNote" | "DiscussionNote";
  body: string;
  author: FakeUser;
  system: boolean;
  discussionId: string;
  // deno-lint-ignore no-explicit-any
  position: Record<string, any> | null;
  createdAt: string;
  updatedAt: string;
}

/** A diff discussion, as posted. */
export interface FakeDiscussion {
  id: string;
  projectId: number;
  iid: number;
  noteIds: number[];
  // deno-lint-ignore no-explicit-any
  position: Record<string, any>;
  body: string;
}

/** A commit status GitLab accepted, in the order they were posted. */
export interface FakeStatus {
  id: number;
  projectId: number;
  sha: string;
  name: string;
  /** `pending`, `running`, `success`, `failed`, `canceled` or `skipped`. */
  status: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

/** Options for {@link startFakeGitlab}. */
export interface FakeGitlabOptions {
  /** Calls must carry this token (`PRIVATE-TOKEN` or `Authorization: Bearer`); unset, all pass. */
  token?: string;
  /** Serve below a relative URL root, as a self-managed instance at `https://host/gitlab` does. */
  pathPrefix?: string;
  /** The clock for timestamps and `RateLimit-Reset`; `Date.now` by default. */
  now?: () => number;
  /** The author of everything Loom posts; defaults to a project bot user. */
  botUser?: FakeUser;
  /**
   * The shape of the refusal of a position off the diff: `current` (what GitLab answers today,
   * `{"message":"400 Bad request - Note {:line_code=>[…]}"}`) or `hash`
   * (`{"message":{"line_code":[…]}}`). Defaults to `current`.
   */
  lineCodeError?: "current" | "hash";
  /** Serve `/raw_diffs` (recent GitLab only); defaults to true. */
  rawDiffs?: boolean;
  /** Paginate with `x-next-page` alone, without a `Link` header. */
  withoutLinkHeader?: boolean;
}

/** A running fake; see {@link startFakeGitlab}. `await using` closes it. */
export interface FakeGitlab extends kit.FakeApi<kit.FakeFailure> {
  /**
   * The instance URL to give Loom (`LOOM_GITLAB_URL`), with the path prefix, no trailing slash.
   * Requests are recorded with their path below `/api/v4`, as sent (still URL-encoded):
   * `/projects/group%2Fapp/merge_requests/1`.
   */
  url: string;
  /** What GitLab would accept but show wrongly; tests assert this stays empty. */
  violations: string[];
  /**
   * The commits of every project, which `/repository/compare` and `/repository/merge_base`
   * answer from: a merge request's base and head are in it once seeded (the head a child of the
   * base), and a push's new head joins it as a child of the old one unless a test added it.
   */
  commits: CommitGraph;
  /** Creates a project (idempotent) and returns its numeric id. */
  addProject(path: string, id?: number): number;
  /**
   * Makes `username` (a user with `userId`, created if new) a member of `project` with
   * `accessLevel` (10 Guest, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner), as
   * `GET /projects/:id/members/all/:user_id` answers it; `GET /users?username=` finds the user.
   */
  addMember(project: string, user: { username: string; id: number }, accessLevel: number): void;
  /** Creates a user who is a member of nothing. */
  addUser(user: { username: string; id: number }): void;
  addMergeRequest(input: FakeMergeRequestInput): FakeMergeRequest;
  /** Changes a merge request: a new `headSha` or `diff` is a push, making a new diff version. */
  updateMergeRequest(
    project: string,
    iid: number,
    changes: Partial<Omit<FakeMergeRequestInput, "project" | "projectId" | "iid">>,
  ): FakeMergeRequest;
  mergeRequest(project: string, iid: number): FakeMergeRequest | undefined;
  /** A file's text at a ref; refs are matched literally (a branch and a SHA are two keys). */
  setFile(project: string, ref: string, path: string, text: string): void;
  /** Seeds a note by someone else (a person, by default), or a system note. */
  addNote(
    project: string,
    iid: number,
    body: string,
    options?: { author?: FakeUser; system?: boolean },
  ): FakeNote;
  /** Deletes a note, as a person might delete Loom's summary. */
  deleteNote(project: string, id: number): void;
  /** The notes of a merge request, oldest first, diff notes and system notes included. */
  notes(project: string, iid: number): FakeNote[];
  /** The diff discussions posted on a merge request, oldest first. */
  discussions(project: string, iid: number): FakeDiscussion[];
  /** The commit statuses accepted for a SHA, oldest first. */
  statuses(project: string, sha: string): FakeStatus[];
}

/**
 * Failures GitLab really sends, for {@link FakeGitlab.failNext}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gitlabFailure, startFakeGitlab } from "./server.ts";
 *
 * await using gitlab = await startFakeGitlab();
 * gitlab.addMergeRequest({ project: "group/app", iid: 7 });
 * gitlab.failNext(gitlabFailure.rateLimited(3), { method: "GET", path: /\/merge_requests\/7$/ });
 *
 * const url = `${gitlab.url}/api/v4/projects/group%2Fapp/merge_requests/7`;
 * const limited = await fetch(url);
 * assert.equal(limited.status, 429);
 * assert.equal(limited.headers.get("retry-after"), "3");
 * assert.equal(await limited.text(), "Retry later\n");
 * assert.equal((await (await fetch(url)).json()).iid, 7); // one failure, then the real answer
 * ```
 */
export const gitlabFailure = {
  /** 429 from GitLab's rate limiter: `Retry-After` and the `RateLimit-*` headers, plain text. */
  rateLimited(retryAfterSeconds: number, nowMs = Date.now()): kit.FakeFailure {
    const reset = Math.ceil(nowMs / 1000) + retryAfterSeconds;
    return {
      status: 429,
      body: "Retry later\n",
      headers: {
        "content-type": "text/plain",
        "retry-after": String(retryAfterSeconds),
        "ratelimit-name": "throttle_authenticated_api",
        "ratelimit-limit": "2000",
        "ratelimit-observed": "2001",
        "ratelimit-remaining": "0",
        "ratelimit-reset": String(reset),
        "ratelimit-resettime": new Date(reset * 1000).toUTCString(),
      },
    };
  },
  /** 429 without any rate limit header, as reported for some GitLab endpoints. */
  rateLimitedWithoutHeaders(): kit.FakeFailure {
    return { status: 429, body: "Retry later\n", headers: { "content-type": "text/plain" } };
  },
  /** A 5xx (502 by default). */
  serverError(status = 502): kit.FakeFailure {
    return { status, body: { message: `${status} Bad Gateway` } };
  },
  /** Any answer. */
  http: kit.httpFailure,
};

/**
 * A webhook delivery as GitLab sends it, carrying `token` verbatim in `X-Gitlab-Token`, to POST
 * to Loom. `Idempotency-Key` (GitLab 17.4+) and `X-Gitlab-Event-UUID` are random unless given;
 * `null` leaves a header out, as older instances do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gitlabWebhook } from "./server.ts";
 *
 * const payload = { object_kind: "merge_request" };
 * const d = gitlabWebhook({ token: "s3cret", event: "Merge Request Hook", payload });
 * assert.equal(d.headers["x-gitlab-token"], "s3cret"); // GitLab sends the secret itself
 * assert.equal(d.headers["x-gitlab-event"], "Merge Request Hook");
 * assert.ok(d.headers["idempotency-key"]);
 * // As an instance older than 17.4 sends it:
 * const old = gitlabWebhook({
 *   token: "s3cret",
 *   event: "Note Hook",
 *   payload,
 *   idempotencyKey: null,
 * });
 * assert.equal(old.headers["idempotency-key"], undefined);
 * // To deliver it: POST d.body with d.headers to Loom's /webhooks/gitlab.
 * ```
 */
export function gitlabWebhook(input: {
  token: string | null;
  event: string;
  payload: unknown;
  idempotencyKey?: string | null;
  eventUuid?: string | null;
  instance?: string;
}): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitLab/18.2.1",
    "x-gitlab-event": input.event,
    "x-gitlab-instance": input.instance ?? "https://gitlab.example.com",
    "x-gitlab-webhook-uuid": "5f3c0a1e-8e3b-4c8e-9d55-0a9b9b1d7e21",
  };
  const eventUuid = input.eventUuid === undefined ? crypto.randomUUID() : input.eventUuid;
  if (eventUuid !== null) headers["x-gitlab-event-uuid"] = eventUuid;
  const key = input.idempotencyKey === undefined ? crypto.randomUUID() : input.idempotencyKey;
  if (key !== null) headers["idempotency-key"] = key;
  if (input.token !== null) headers["x-gitlab-token"] = input.token;
  return { headers, body: JSON.stringify(input.payload) };
}

interface ProjectState {
  id: number;
  path: string;
  nextIid: number;
  mrs: Map<number, FakeMergeRequest>;
  files: Map<string, string>;
  /** Access levels by user id. */
  members: Map<number, number>;
}

type Handler = (
  req: kit.RecordedRequest,
  project: ProjectState,
  params: string[],
  url: URL,
) => Response | Promise<Response>;

interface Route extends kit.FakeRoute {
  /** Matched against the path below `/projects/:id`. */
  pattern: RegExp;
  handle: Handler;
}

const API = "/api/v4";
const MAX_NOTE = 1_000_000;
const STATES = ["pending", "running", "success", "failed", "canceled", "skipped"];
// The state machine event GitLab names in a refused transition, by target state.
const EVENTS: Record<string, string> = {
  pending: "enqueue",
  running: "run",
  success: "succeed",
  failed: "drop",
  canceled: "cancel",
  skipped: "skip",
};

/**
 * Starts the fake on a free port of 127.0.0.1. Always `close()` it (in a `finally`): an open
 * server fails Deno's resource sanitizer.
 */
export function startFakeGitlab(options: FakeGitlabOptions = {}): Promise<FakeGitlab> {
  const now = options.now ?? Date.now;
  const prefix = (options.pathPrefix ?? "").replace(/\/+$/, "");
  const bot = options.botUser ?? { id: 9001, username: "project_14_bot_loom", name: "Loom" };
  const person: FakeUser = { id: 2, username: "alice", name: "Alice" };

  const violations: string[] = [];
  const commits = createCommitGraph();
  const projects = new Map<number, ProjectState>();
  const notes: FakeNote[] = [];
  const discussions: FakeDiscussion[] = [];
  const statuses: FakeStatus[] = [];
  let nextId = 1000;
  let nextProjectId = 14;

  const iso = () => new Date(now()).toISOString();
  const projectByPath = (path: string) => [...projects.values()].find((p) => p.path === path);
  /** Users by username: their ids. */
  const users = new Map<string, number>();
  const projectOf = (path: string, id?: number): ProjectState => {
    let project = projectByPath(path);
    if (!project) {
      const pid = id ?? nextProjectId++;
      project = { id: pid, path, nextIid: 1, mrs: new Map(), files: new Map(), members: new Map() };
      projects.set(pid, project);
    }
    return project;
  };
  const mrOf = (project: string, iid: number) => {
    const mr = projectByPath(project)?.mrs.get(iid);
    if (!mr) throw new Error(`the fake has no merge request ${project}!${iid}`);
    return mr;
  };

  // --- JSON as GitLab shapes it ---------------------------------------------------------------

  const userJson = (u: FakeUser) => ({
    id: u.id,
    username: u.username,
    name: u.name,
    state: "active",
    avatar_url: null,
    web_url: `https://gitlab.example.com/${u.username}`,
  });
  const mrJson = (mr: FakeMergeRequest, prepared: boolean) => {
    const v = mr.versions[0];
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: mr.projectId,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: iso(),
      updated_at: iso(),
      merged_at: mr.state === "merged" ? iso() : null,
      closed_at: mr.state === "closed" ? iso() : null,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      source_project_id: mr.projectId,
      target_project_id: mr.projectId,
      author: userJson({ id: 3, username: mr.author, name: mr.author }),
      draft: mr.draft,
      work_in_progress: mr.draft,
      merge_status: "can_be_merged",
      detailed_merge_status: "mergeable",
      sha: v.headSha,
      merge_commit_sha: null,
      squash_commit_sha: null,
      references: { short: `!${mr.iid}`, full: `${mr.project}!${mr.iid}` },
      web_url: `https://gitlab.example.com/${mr.project}/-/merge_requests/${mr.iid}`,
      diff_refs: prepared
        ? { base_sha: v.baseSha, head_sha: v.headSha, start_sha: v.startSha }
        : null,
      prepared_at: prepared ? iso() : null,
      labels: [...mr.labels],
    };
  };
  const diffJson = (mr: FakeMergeRequest | null, f: DiffFile) => {
    const large = mr?.tooLarge.includes(f.path) ?? false;
    const added = f.status === "added";
    const deleted = f.status === "deleted";
    return {
      old_path: f.oldPath ?? f.newPath,
      new_path: f.newPath ?? f.oldPath,
      a_mode: added ? "0" : f.oldMode ?? "100644",
      b_mode: deleted ? "0" : f.newMode ?? f.oldMode ?? "100644",
      new_file: added,
      renamed_file: f.status === "renamed",
      deleted_file: deleted,
      generated_file: false,
      ...(large ? { too_large: true, collapsed: true } : {}),
      diff: large || f.binary ? "" : f.hunks.map(renderHunk).join(""),
    };
  };
  const noteJson = (n: FakeNote) => {
    const mr = projects.get(n.projectId)?.mrs.get(n.iid);
    return {
      id: n.id,
      type: n.type,
      body: n.body,
      attachment: null,
      author: userJson(n.author),
      created_at: n.createdAt,
      updated_at: n.updatedAt,
      system: n.system,
      noteable_id: mr?.id ?? 0,
      noteable_type: "MergeRequest",
      project_id: n.projectId,
      noteable_iid: n.iid,
      resolvable: n.type === "DiffNote",
      ...(n.type === "DiffNote"
        ? { resolved: false, resolved_by: null, position: n.position }
        : {}),
      confidential: false,
      internal: false,
      commands_changes: {},
    };
  };
  const statusJson = (s: FakeStatus) => ({
    id: s.id,
    sha: s.sha,
    ref: null,
    status: s.status,
    name: s.name,
    target_url: s.targetUrl,
    description: s.description,
    created_at: s.createdAt,
    started_at: s.status === "running" ? s.createdAt : null,
    finished_at: ["success", "failed", "canceled"].includes(s.status) ? s.createdAt : null,
    allow_failure: false,
    coverage: null,
    pipeline_id: 1,
    author: userJson(bot),
  });

  // --- Answers -------------------------------------------------------------------------------

  const message = (status: number, text: string) => json({ message: text }, status);
  const lineCodeRefusal = () =>
    options.lineCodeError === "hash"
      ? json({ message: { line_code: ["can't be blank", "must be a valid line code"] } }, 400)
      : message(
        400,
        `400 Bad request - Note {:line_code=>["can't be blank", "must be a valid line code"]}`,
      );

  const paginate = (url: URL, items: unknown[]) => {
    const p = pageOf(url, items, { param: "per_page", byDefault: 20, max: 100 });
    const { page, size: perPage, last } = p;
    const headers: Record<string, string> = {
      "x-page": String(page),
      "x-per-page": String(perPage),
      "x-total": String(items.length),
      "x-total-pages": String(last),
      "x-next-page": page < last ? String(page + 1) : "",
      "x-prev-page": page > 1 ? String(page - 1) : "",
    };
    if (!options.withoutLinkHeader) {
      const link = (n: number, rel: string) => pageLink(url, n, rel, { per_page: String(perPage) });
      const links: string[] = [];
      if (page > 1) links.push(link(page - 1, "prev"));
      if (page < last) links.push(link(page + 1, "next"));
      links.push(link(1, "first"), link(last, "last"));
      headers["link"] = links.join(", ");
    }
    return json(p.items, 200, headers);
  };

  // --- Positions, as GitLab checks them -------------------------------------------------------

  /** GitLab's diff positions of a file's lines: an added line's old position is the next one. */
  const gitlabLines = (file: DiffFile) => {
    const out: { line: DiffLine; code: string }[] = [];
    const sha = createHash("sha1").update(file.newPath ?? file.oldPath ?? "").digest("hex");
    for (const hunk of file.hunks) {
      let oldPos = hunk.oldStart;
      let newPos = hunk.newStart;
      for (const line of hunk.lines) {
        out.push({ line, code: `${sha}_${oldPos}_${newPos}` });
        if (line.kind !== "add") oldPos++;
        if (line.kind !== "del") newPos++;
      }
    }
    return out;
  };

  // deno-lint-ignore no-explicit-any
  const checkPosition = (mr: FakeMergeRequest, p: any, body: string): Response | null => {
    const where = `discussion on ${mr.project}!${mr.iid}`;
    if (typeof p !== "object" || p === null) return null;
    if (p.position_type !== "text") {
      return json({ error: "position[position_type] does not have a valid value" }, 400);
    }
    const version = mr.versions.find((v) =>
      v.baseSha === p.base_sha && v.startSha === p.start_sha && v.headSha === p.head_sha
    );
    if (!version) return lineCodeRefusal();
    if (typeof p.new_path !== "string" || typeof p.old_path !== "string") {
      violations.push(`${where}: position without both old_path and new_path`);
    }
    const file = diffFiles(version.diff).find((f) =>
      (f.newPath ?? f.oldPath) === (p.new_path ?? p.old_path)
    );
    if (!file) return lineCodeRefusal();
    const expectedOld = file.oldPath ?? file.newPath;
    if (typeof p.old_path === "string" && p.old_path !== expectedOld) {
      violations.push(`${where}: old_path ${p.old_path} is not the file's old path ${expectedOld}`);
    }
    const lines = gitlabLines(file);
    const wanted = (v: unknown) => (typeof v === "number" ? v : null);
    const anchor = lines.find((l) =>
      l.line.oldLine === wanted(p.old_line) && l.line.newLine === wanted(p.new_line)
    );
    if (!anchor) return lineCodeRefusal();
    const anchorIndex = lines.indexOf(anchor);
    let rangeSize = 0;
    if (p.line_range !== undefined && p.line_range !== null) {
      const points = [p.line_range.start, p.line_range.end].map((point) =>
        lines.findIndex((l) => l.code === point?.line_code)
      );
      if (points.some((i) => i < 0)) {
        violations.push(`${where}: line_range names a line_code that is not in the diff`);
      } else {
        const [start, end] = points;
        if (end !== anchorIndex) {
          violations.push(`${where}: line_range does not end on the commented line`);
        }
        if (start >= end) violations.push(`${where}: line_range does not start before its end`);
        for (const [i, point] of [[start, p.line_range.start], [end, p.line_range.end]]) {
          const type = lines[i].line.kind === "add" ? "new" : "old";
          if (point.type !== type) {
            violations.push(`${where}: line_range type ${point.type} for an ${type} line`);
          }
        }
        rangeSize = lines.slice(start, end + 1).filter((l) => l.line.newLine !== null).length;
      }
    }
    for (const m of body.matchAll(/^(`{3,})suggestion(?::-(\d+)\+(\d+))?\s*$/gm)) {
      const above = Number(m[2] ?? 0);
      const below = Number(m[3] ?? 0);
      if (above > 100 || below > 100) {
        violations.push(`${where}: suggestion:-${above}+${below} is over GitLab's 100 lines`);
      }
      if (rangeSize > 0 && (above !== rangeSize - 1 || below !== 0)) {
        violations.push(
          `${where}: suggestion:-${above}+${below} does not replace the ${rangeSize} lines ` +
            "commented on",
        );
      }
    }
    return null;
  };

  // --- Routes below /projects/:id ------------------------------------------------------------

  const mrOr404 = (project: ProjectState, iid: string) => project.mrs.get(Number(iid));
  const mrNotFound = () => message(404, "404 Not found");

  const commitJson = (id: string) => ({
    id,
    short_id: id.slice(0, 8),
    title: `Commit ${id.slice(0, 8)}`,
    parent_ids: commits.get(id)?.parents ?? [],
    created_at: iso(),
  });

  const routes: Route[] = [
    {
      // Unknown refs are a 400 naming them; refs without a common ancestor a 404, as on GitLab.
      method: "GET",
      pattern: /^\/repository\/merge_base$/,
      handle(_req, _project, _params, url) {
        const refs = url.searchParams.getAll("refs[]");
        if (refs.length < 2) return message(400, "Provide at least 2 refs");
        const unknown = refs.filter((r) => !commits.has(r));
        if (unknown.length > 0) {
          const noun = unknown.length === 1 ? "ref" : "refs";
          return message(400, `Could not find ${noun}: ${unknown.join(", ")}`);
        }
        let found: string | null = refs[0];
        for (const r of refs.slice(1)) found = found === null ? null : commits.mergeBase(found, r);
        return found === null ? message(404, "404 Merge Base Not Found") : json(commitJson(found));
      },
    },
    {
      // `straight=true` is `from..to`; by default GitLab diffs from the merge base (`from...to`).
      method: "GET",
      pattern: /^\/repository\/compare$/,
      handle(_req, _project, _params, url) {
        const from = url.searchParams.get("from") ?? "";
        const to = url.searchParams.get("to") ?? "";
        if (!from || !to) return json({ error: "from is missing, to is missing" }, 400);
        if (!commits.has(from) || !commits.has(to)) return message(404, "404 Ref Not Found");
        const start = url.searchParams.get("straight") === "true"
          ? from
          : commits.mergeBase(from, to);
        if (start === null) return message(404, "404 Ref Not Found");
        const list = commits.between(start, to).toReversed().map((c) => commitJson(c.sha));
        return json({
          commit: list.at(-1) ?? null,
          commits: list,
          diffs: diffFiles(commits.diff(start, to)).map((f) => diffJson(null, f)),
          compare_timeout: false,
          compare_same_ref: from === to,
          web_url: `https://gitlab.example.com/-/compare/${from}...${to}`,
        });
      },
    },
    {
      method: "GET",
      pattern: /^\/members\/all\/(\d+)$/,
      handle(_req, project, params) {
        const id = Number(params[0]);
        const level = project.members.get(id);
        const username = [...users].find(([, uid]) => uid === id)?.[0];
        if (level === undefined || username === undefined) return message(404, "404 Not found");
        return json({ id, username, name: username, state: "active", access_level: level });
      },
    },
    {
      method: "GET",
      pattern: /^\/merge_requests\/(\d+)$/,
      handle(_req, project, params) {
        const mr = mrOr404(project, params[0]);
        if (!mr) return mrNotFound();
        const prepared = mr.unpreparedReads <= 0;
        if (!prepared) mr.unpreparedReads--;
        return json(mrJson(mr, prepared));
      },
    },
    {
      method: "GET",
      pattern: /^\/merge_requests\/(\d+)\/diffs$/,
      handle(_req, project, params, url) {
        const mr = mrOr404(project, params[0]);
        if (!mr) return mrNotFound();
        if (mr.unpreparedReads > 0) return paginate(url, []);
        return paginate(url, diffFiles(mr.versions[0].diff).map((f) => diffJson(mr, f)));
      },
    },
    {
      method: "GET",
      pattern: /^\/merge_requests\/(\d+)\/raw_diffs$/,
      handle(_req, project, params) {
        const mr = mrOr404(project, params[0]);
        if (options.rawDiffs === false) return json({ error: "404 Not Found" }, 404);
        if (!mr) return mrNotFound();
        return text(mr.versions[0].diff, "text/plain");
      },
    },
    {
      method: "GET",
      pattern: /^\/repository\/files\/([^/]+)\/raw$/,
      handle(_req, project, params, url) {
        const ref = url.searchParams.get("ref") ?? "main";
        const file = project.files.get(fileKey(ref, decodeURIComponent(params[0])));
        return file === undefined ? message(404, "404 File Not Found") : text(file);
      },
    },
    {
      method: "GET",
      pattern: /^\/merge_requests\/(\d+)\/notes$/,
      handle(_req, project, params, url) {
        const mr = mrOr404(project, params[0]);
        if (!mr) return mrNotFound();
        let list = notes.filter((n) => n.projectId === project.id && n.iid === mr.iid);
        // GitLab's default order is newest first.
        if (url.searchParams.get("sort") !== "asc") list = [...list].reverse();
        return paginate(url, list.map(noteJson));
      },
    },
    {
      method: "POST",
      pattern: /^\/merge_requests\/(\d+)\/notes$/,
      handle(req, project, params) {
        const mr = mrOr404(project, params[0]);
        if (!mr) return mrNotFound();
        const problem = noteBodyProblem(req.body?.body);
        if (problem) return problem;
        const note = newNote(mr, req.body.body, null, null);
        return json(noteJson(note), 201);
      },
    },
    {
      method: "PUT",
      pattern: /^\/merge_requests\/(\d+)\/notes\/(\d+)$/,
      handle(req, project, params) {
        const note = notes.find((n) =>
          n.projectId === project.id && n.iid === Number(params[0]) && n.id === Number(params[1])
        );
        if (!note) return message(404, "404 Not found");
        // GitLab lets only a note's author edit its text, maintainers included.
        if (note.author.id !== bot.id) return message(403, "403 Forbidden");
        const problem = noteBodyProblem(req.body?.body);
        if (problem) return problem;
        note.body = req.body.body;
        note.updatedAt = iso();
        return json(noteJson(note));
      },
    },
    {
      method: "DELETE",
      pattern: /^\/merge_requests\/(\d+)\/notes\/(\d+)$/,
      handle(_req, project, params) {
        const i = notes.findIndex((n) =>
          n.projectId === project.id && n.iid === Number(params[0]) && n.id === Number(params[1])
        );
        if (i < 0) return message(404, "404 Not found");
        notes.splice(i, 1);
        return noContent();
      },
    },
    {
      method: "POST",
      pattern: /^\/merge_requests\/(\d+)\/discussions$/,
      handle(req, project, params) {
        const mr = mrOr404(project, params[0]);
        if (!mr) return mrNotFound();
        const body = req.body ?? {};
        const problem = noteBodyProblem(body.body);
        if (problem) return problem;
        const p = body.position;
        const refused = checkPosition(mr, p, body.body);
        if (refused) return refused;
        const discussionId = sha(`discussion ${nextId}`);
        const position = p
          ? {
            base_sha: p.base_sha,
            start_sha: p.start_sha,
            head_sha: p.head_sha,
            old_path: p.old_path ?? p.new_path,
            new_path: p.new_path ?? p.old_path,
            position_type: "text",
            old_line: p.old_line ?? null,
            new_line: p.new_line ?? null,
            line_range: p.line_range ?? null,
          }
          : null;
        const note = newNote(mr, body.body, position ? "DiffNote" : "DiscussionNote", position);
        note.discussionId = discussionId;
        if (position) {
          discussions.push({
            id: discussionId,
            projectId: project.id,
            iid: mr.iid,
            noteIds: [note.id],
            position,
            body: body.body,
          });
        }
        return json({ id: discussionId, individual_note: false, notes: [noteJson(note)] }, 201);
      },
    },
    {
      method: "POST",
      pattern: /^\/statuses\/([0-9a-f]+)$/,
      handle(req, project, params) {
        const commit = params[0];
        const known = [...project.mrs.values()].some((mr) =>
          mr.versions.some((v) => v.headSha === commit || v.baseSha === commit)
        );
        if (!known) return message(404, "404 Commit Not Found");
        const body = req.body ?? {};
        if (typeof body.state !== "string") return json({ error: "state is missing" }, 400);
        if (!STATES.includes(body.state)) {
          return json({ error: "state does not have a valid value" }, 400);
        }
        const name = typeof body.name === "string" ? body.name : "default";
        const open = [...statuses].reverse().find((s) =>
          s.projectId === project.id && s.sha === commit && s.name === name
        );
        if (open && ["pending", "running"].includes(open.status) && open.status === body.state) {
          const event = EVENTS[body.state];
          return message(
            400,
            `Cannot transition status via :${event} from :${open.status} (Reason(s): Status ` +
              `cannot transition via "${event}")`,
          );
        }
        const status: FakeStatus = {
          id: nextId++,
          projectId: project.id,
          sha: commit,
          name,
          status: body.state,
          description: typeof body.description === "string" ? body.description : null,
          targetUrl: typeof body.target_url === "string" ? body.target_url : null,
          createdAt: iso(),
        };
        statuses.push(status);
        return json(statusJson(status), 201);
      },
    },
  ];

  function noteBodyProblem(body: unknown): Response | null {
    if (body === undefined || body === null) return json({ error: "body is missing" }, 400);
    if (typeof body !== "string" || body.trim() === "") {
      return message(400, `400 Bad request - Note {:note=>["can't be blank"]}`);
    }
    if (body.length > MAX_NOTE) {
      return message(
        400,
        `400 Bad request - Note {:note=>["is too long (maximum is ${MAX_NOTE} characters)"]}`,
      );
    }
    return null;
  }

  function newNote(
    mr: FakeMergeRequest,
    body: string,
    type: FakeNote["type"],
    // deno-lint-ignore no-explicit-any
    position: Record<string, any> | null,
    author = bot,
    system = false,
  ): FakeNote {
    const note: FakeNote = {
      id: nextId++,
      projectId: mr.projectId,
      iid: mr.iid,
      type,
      body,
      author,
      system,
      discussionId: sha(`note ${nextId}`),
      position,
      createdAt: iso(),
      updatedAt: iso(),
    };
    notes.push(note);
    return note;
  }

  // --- Server --------------------------------------------------------------------------------

  const authorized = (req: kit.RecordedRequest) => {
    if (options.token === undefined) return true;
    const bearer = /^bearer\s+(.+)$/i.exec(req.headers["authorization"] ?? "")?.[1];
    return req.headers["private-token"] === options.token || bearer === options.token;
  };

  const server = kit.startFakeServer({
    prefix: prefix + API,
    async handle(req, url) {
      if (!authorized(req)) return message(401, "401 Unauthorized");
      if (req.method === "GET" && req.path === "/users") {
        const username = url.searchParams.get("username");
        const id = username === null ? undefined : users.get(username);
        return json(id === undefined ? [] : [{ id, username, name: username, state: "active" }]);
      }
      // The token's own user: the author of everything Loom posts.
      if (req.method === "GET" && req.path === "/user") {
        return json({ ...userJson(bot), state: "active", bot: /_bot_/.test(bot.username) });
      }
      const m = /^\/projects\/([^/]+)(\/.*)$/.exec(req.path);
      if (!m) return json({ error: "404 Not Found" }, 404);
      const idOrPath = decodeURIComponent(m[1]);
      const project = /^\d+$/.test(idOrPath)
        ? projects.get(Number(idOrPath))
        : projectByPath(idOrPath);
      const found = kit.matchRoute(routes, { method: req.method, path: m[2] }, { decode: false });
      if (!found) return json({ error: "404 Not Found" }, 404);
      if (!project) return message(404, "404 Project Not Found");
      return await found.route.handle(req, project, found.params, url);
    },
  });
  const base = server.origin + prefix;

  const copy = (mr: FakeMergeRequest): FakeMergeRequest => ({
    ...mr,
    versions: mr.versions.map((v) => ({ ...v })),
    tooLarge: [...mr.tooLarge],
    labels: [...mr.labels],
  });

  return Promise.resolve({
    ...kit.fakeApi(server, base),
    violations,
    commits,
    addProject: (path, id) => projectOf(path, id).id,
    addMember(project, user, accessLevel) {
      users.set(user.username, user.id);
      projectOf(project).members.set(user.id, accessLevel);
    },
    addUser(user) {
      users.set(user.username, user.id);
    },
    addMergeRequest(input) {
      const project = projectOf(input.project, input.projectId);
      const iid = input.iid ?? project.nextIid;
      project.nextIid = Math.max(project.nextIid, iid + 1);
      const baseSha = input.baseSha ?? sha(`${input.project}!${iid} base`);
      const mr: FakeMergeRequest = {
        id: nextId++,
        iid,
        project: project.path,
        projectId: project.id,
        title: input.title ?? `Merge request ${iid}`,
        description: input.description ?? "",
        sourceBranch: input.sourceBranch ?? `feature-${iid}`,
        targetBranch: input.targetBranch ?? "main",
        author: input.author ?? "alice",
        draft: input.draft ?? false,
        state: input.state ?? "opened",
        versions: [{
          id: nextId++,
          baseSha,
          startSha: input.startSha ?? baseSha,
          headSha: input.headSha ?? sha(`${input.project}!${iid} head`),
          diff: input.diff ?? "",
        }],
        unpreparedReads: input.unpreparedReads ?? 0,
        tooLarge: input.tooLarge ?? [],
        labels: [...(input.labels ?? [])],
      };
      trackCommits(commits, mr.versions[0]);
      project.mrs.set(iid, mr);
      return copy(mr);
    },
    updateMergeRequest(project, iid, changes) {
      const mr = mrOf(project, iid);
      const v = mr.versions[0];
      const pushed = (changes.headSha !== undefined && changes.headSha !== v.headSha) ||
        (changes.diff !== undefined && changes.diff !== v.diff) ||
        (changes.baseSha !== undefined && changes.baseSha !== v.baseSha);
      if (pushed) {
        const baseSha = changes.baseSha ?? v.baseSha;
        mr.versions.unshift({
          id: nextId++,
          baseSha,
          startSha: changes.startSha ?? baseSha,
          headSha: changes.headSha ?? sha(`${project}!${iid} head ${mr.versions.length}`),
          diff: changes.diff ?? v.diff,
        });
        trackCommits(commits, mr.versions[0], v.headSha);
      }
      if (changes.title !== undefined) mr.title = changes.title;
      if (changes.description !== undefined) mr.description = changes.description;
      if (changes.sourceBranch !== undefined) mr.sourceBranch = changes.sourceBranch;
      if (changes.targetBranch !== undefined) mr.targetBranch = changes.targetBranch;
      if (changes.author !== undefined) mr.author = changes.author;
      if (changes.draft !== undefined) mr.draft = changes.draft;
      if (changes.state !== undefined) mr.state = changes.state;
      if (changes.unpreparedReads !== undefined) mr.unpreparedReads = changes.unpreparedReads;
      if (changes.tooLarge !== undefined) mr.tooLarge = changes.tooLarge;
      if (changes.labels !== undefined) mr.labels = [...changes.labels];
      return copy(mr);
    },
    mergeRequest(project, iid) {
      const mr = projectByPath(project)?.mrs.get(iid);
      return mr ? copy(mr) : undefined;
    },
    setFile(project, ref, path, text) {
      projectOf(project).files.set(fileKey(ref, path), text);
    },
    addNote(project, iid, body, opts = {}) {
      const note = newNote(
        mrOf(project, iid),
        body,
        null,
        null,
        opts.author ?? person,
        opts.system ?? false,
      );
      return { ...note };
    },
    deleteNote(project, id) {
      const pid = projectByPath(project)?.id;
      const i = notes.findIndex((n) => n.projectId === pid && n.id === id);
      if (i >= 0) notes.splice(i, 1);
    },
    notes(project, iid) {
      const pid = projectByPath(project)?.id;
      return notes.filter((n) => n.projectId === pid && n.iid === iid).map((n) => ({ ...n }));
    },
    discussions(project, iid) {
      const pid = projectByPath(project)?.id;
      return discussions.filter((d) => d.projectId === pid && d.iid === iid).map((d) => ({
        ...d,
        noteIds: [...d.noteIds],
      }));
    },
    statuses(project, commit) {
      const pid = projectByPath(project)?.id;
      return statuses.filter((s) => s.projectId === pid && s.sha === commit).map((s) => ({ ...s }));
    },
  });
}

function fileKey(ref: string, path: string): string {
  return `${ref}\u0000${path}`;
}
