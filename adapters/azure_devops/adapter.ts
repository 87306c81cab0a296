/**
 * The Azure DevOps adapter (Azure DevOps Services; Azure Repos pull requests), with a personal
 * access token, fed by a service hook ("Web Hooks", Basic authentication).
 * @module
 */

import { z } from "zod";
import { type DiffFile, parseDiff, placementProblem, rangeStart } from "../../src/diff/mod.ts";
import { azureDevopsMessage, createAzureDevopsApi } from "./api.ts";
import { azureDevopsThreads } from "./threads.ts";
import { azureCanWrite } from "./_can_write.ts";
import { type CommitChange, compareCommits, gitChange } from "./compare.ts";
import { azureDevopsEventId, parseAzureDevopsEvent } from "./events.ts";
import { sameSecret } from "../../src/secrets/mod.ts";
import {
  boundedFileText,
  cachedIdentity,
  type DiffBudget,
  diffBudget,
  fileDiff,
  type FileVersions,
  landedInline,
  mapLimit,
  MAX_DIFF_FILE_BYTES,
  readBoundedBytes,
  repoSegments,
} from "../_shared/mod.ts";
import {
  type GitAdapter,
  type InlineResult,
  PlatformError,
  type PostedComment,
  type PullRequest,
  type RepoRef,
} from "../../src/platform/mod.ts";

/** How to reach Azure DevOps and check its deliveries; see {@link createAzureDevopsAdapter}. */
export interface AzureDevopsAdapterOptions {
  /** `LOOM_AZURE_DEVOPS_URL`: the organization, `https://dev.azure.com/ORG`. */
  url: string;
  /** `LOOM_AZURE_DEVOPS_TOKEN`: a personal access token (Code: read & write, Code: status). */
  token: string;
  /** The Basic-auth user name set on the service hook; empty refuses every delivery. */
  webhookUsername: string;
  /** The Basic-auth password set on the service hook; empty refuses every delivery. */
  webhookPassword: string;
  fetch?: typeof fetch;
  /** The most bytes of a diff `fetchDiff` reads (`LOOM_MAX_DIFF_BYTES`); 5 MiB when not given. */
  maxDiffBytes?: number;
  now?: () => number;
  /** File versions fetched at once while building a diff; 6 by default. */
  concurrency?: number;
}

/** The thread property that says what a thread of Loom's is: `summary`, `inline` or `reply`. */
export const KIND_PROPERTY = "loom.kind";
/** The thread property carrying an inline comment's fingerprint. */
export const FINGERPRINT_PROPERTY = "loom.fingerprint";
/** Where Loom's pull request status appears: genre `loom`, name `review`. */
export const STATUS_CONTEXT = { genre: "loom", name: "review" } as const;

const STATES = {
  pending: "pending",
  success: "succeeded",
  failure: "failed",
  error: "error",
} as const;
// A side of a file over MAX_DIFF_FILE_BYTES, not read.
const TOO_LARGE = Symbol("too large");
// Iteration changes come in pages of at most 2000 entries; the guard is far above any pull request.
const CHANGES_PAGE = 2000;
const MAX_PAGES = 500;
// A push is visible in the pull request a moment before its iteration: worth a quick retry.
const ITERATION_WAIT_MS = 10_000;

/**
 * Creates the Azure DevOps adapter.
 *
 * Repositories are `project/repository` by name (`RepoRef.fullName`), called by their id when
 * `RepoRef.id` has it. Azure has no diff endpoint: the diff is built from the iteration of the
 * head commit, its changed files (with `$compareTo=0`, against the merge base) and both versions
 * of each file. Loom's comments are threads found again by their `properties` (`loom.kind`,
 * `loom.fingerprint`), not by a marker in the text: the summary and answers to commands are
 * posted `closed`, so they never block completion; findings are posted `active`. Azure accepts
 * an inline thread on any line, so each anchor is checked against the diff first, and one
 * outside it is returned as rejected without being sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAzureDevopsAdapter } from "./adapter.ts";
 *
 * // A fake Azure DevOps answering `GET …/Web/_apis/git/repositories/app/pullrequests/7`.
 * const seen: Request[] = [];
 * const fakeFetch: typeof fetch = async (input, init) => {
 *   seen.push(new Request(input, init));
 *   return Response.json({
 *     pullRequestId: 7,
 *     title: "Parameterise find",
 *     status: "active",
 *     isDraft: false,
 *     sourceRefName: "refs/heads/feature",
 *     targetRefName: "refs/heads/main",
 *     lastMergeSourceCommit: { commitId: "d3022fc0" },
 *     lastMergeTargetCommit: { commitId: "8a9c1b2e" },
 *     createdBy: { uniqueName: "alice@fabrikam.example" },
 *   });
 * };
 * const azure = createAzureDevopsAdapter({
 *   url: "https://dev.azure.com/fabrikam",
 *   token: "pat",
 *   webhookUsername: "loom",
 *   webhookPassword: "webhook-s3cret",
 *   fetch: fakeFetch,
 * });
 * const pr = await azure.getPullRequest({ platform: "azure-devops", fullName: "Web/app" }, 7);
 * assert.deepEqual(pr, {
 *   number: 7,
 *   title: "Parameterise find",
 *   description: "",
 *   headSha: "d3022fc0",
 *   baseSha: "8a9c1b2e",
 *   headRef: "feature",
 *   baseRef: "main",
 *   draft: false,
 *   state: "open",
 *   author: "alice@fabrikam.example",
 *   labels: [],
 * });
 * assert.equal(
 *   new URL(seen[0].url).pathname,
 *   "/fabrikam/Web/_apis/git/repositories/app/pullrequests/7",
 * );
 * ```
 */
export function createAzureDevopsAdapter(options: AzureDevopsAdapterOptions): GitAdapter {
  const api = createAzureDevopsApi({
    url: options.url,
    token: options.token,
    fetch: options.fetch ?? fetch,
    now: options.now ?? Date.now,
  });
  const concurrency = Math.max(1, options.concurrency ?? 6);
  const compareDeps = { api, repoPath, pathsOf, concurrency, maxDiffBytes: options.maxDiffBytes };

  const prPath = (repo: RepoRef, number: number) => `${repoPath(repo)}/pullRequests/${number}`;
  // The identity the token authenticates as, from the organization's connection data: only
  // threads it started are Loom's summary and findings, since anyone may set thread properties.
  const whoAmI = cachedIdentity(async () =>
    (await api.json(
      { path: "/_apis/connectionData" },
      z.object({ authenticatedUser: z.object({ id: z.string().min(1) }) }),
    )).authenticatedUser.id.toLowerCase()
  );
  const missingPr = (repo: RepoRef, number: number) =>
    `pull request ${repo.fullName}!${number} not found (or the token cannot see it)`;

  const iterations = async (repo: RepoRef, number: number): Promise<Iteration[]> => {
    const list = await api.json(
      { path: `${prPath(repo, number)}/iterations`, notFound: missingPr(repo, number) },
      z.object({ value: z.array(iteration) }),
    );
    return list.value.toSorted((a, b) => a.id - b.id);
  };

  /** The latest iteration whose head is `headSha`: the one a review of that head is about. */
  const iterationOf = async (repo: RepoRef, pr: PullRequest): Promise<Iteration> => {
    const all = await iterations(repo, pr.number);
    const found = all.findLast((i) => i.sourceRefCommit.commitId === pr.headSha);
    if (found) return found;
    throw new PlatformError(
      `pull request ${repo.fullName}!${pr.number} has no iteration for ${
        pr.headSha.slice(0, 12)
      } yet`,
      { status: 0, retryable: true, retryAfterMs: ITERATION_WAIT_MS },
    );
  };

  const changesOf = async (repo: RepoRef, pr: PullRequest, it: Iteration): Promise<Change[]> => {
    const path = `${prPath(repo, pr.number)}/iterations/${it.id}/changes`;
    const out: Change[] = [];
    let query: Record<string, string | number> = {
      $top: CHANGES_PAGE,
      $skip: 0,
      $compareTo: 0,
    };
    for (let page = 0; page < MAX_PAGES; page++) {
      const req = { path, query, notFound: missingPr(repo, pr.number) };
      const res = await api.request(req);
      const token = res.headers.get("x-ms-continuationtoken");
      const body = await api.read(res, req, changesPage);
      out.push(...body.changeEntries);
      if (body.changeEntries.length === 0) break;
      if (body.nextTop && body.nextTop > 0) {
        query = {
          $top: Math.min(body.nextTop, CHANGES_PAGE),
          $skip: body.nextSkip ?? 0,
          $compareTo: 0,
        };
      } else if (token) {
        query = { ...query, continuationToken: token };
      } else {
        break;
      }
    }
    return out;
  };

  /** A file's bytes at a version, as `content` reads them, or null when it is not there. */
  const item = async (
    repo: RepoRef,
    path: string,
    version: string,
    versionType: "commit" | "branch" | "tag",
  ): Promise<Response | null> => {
    const res = await api.request({
      path: `${repoPath(repo)}/items`,
      query: {
        path: `/${path}`,
        "versionDescriptor.version": version,
        "versionDescriptor.versionType": versionType,
        download: "true",
      },
      accept: "application/octet-stream",
      expect: [404],
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    return res;
  };

  const content = async (...at: Parameters<typeof item>): Promise<Uint8Array | null> => {
    const res = await item(...at);
    return res && new Uint8Array(await res.arrayBuffer());
  };

  /**
   * One side of a file for a diff: a side over the file cap is not read on (and counts for
   * nothing), the rest count against the diff's limit; without `budget` (placing comments), read
   * whole as `content` reads it.
   */
  const diffSide = async (
    repo: RepoRef,
    path: string,
    commit: string,
    budget?: DiffBudget,
  ): Promise<Uint8Array | typeof TOO_LARGE | null> => {
    if (!budget) return await content(repo, path, commit, "commit");
    const res = await item(repo, path, commit, "commit");
    if (!res) return null;
    const bytes = await readBoundedBytes(res, MAX_DIFF_FILE_BYTES);
    if (bytes === null) return TOO_LARGE;
    budget.charge(bytes.length);
    return bytes;
  };

  /** Both versions of a changed file; a side Azure does not have is treated as absent. */
  const versionsOf = async (
    repo: RepoRef,
    paths: ChangePaths,
    base: string,
    head: string,
    budget?: DiffBudget,
  ): Promise<FileVersions> => {
    const [oldSide, newSide] = await Promise.all([
      paths.oldPath === null ? null : diffSide(repo, paths.oldPath, base, budget),
      paths.newPath === null ? null : diffSide(repo, paths.newPath, head, budget),
    ]);
    const bytes = (side: typeof oldSide) => side === TOO_LARGE ? null : side;
    return {
      oldPath: oldSide === null ? null : paths.oldPath,
      newPath: newSide === null ? null : paths.newPath,
      oldContent: bytes(oldSide),
      newContent: bytes(newSide),
      tooLarge: oldSide === TOO_LARGE || newSide === TOO_LARGE,
    };
  };

  /** The pull request's files as of `pr.headSha`, each with its change tracking id. */
  const changedFiles = async (repo: RepoRef, pr: PullRequest) => {
    const it = await iterationOf(repo, pr);
    const changes = await changesOf(repo, pr, it);
    const files: (ChangePaths & { trackingId: number })[] = [];
    for (const c of changes) {
      const paths = pathsOf(c);
      if (paths) files.push({ ...paths, trackingId: c.changeTrackingId });
    }
    files.sort((a, b) => compare(a.newPath ?? a.oldPath ?? "", b.newPath ?? b.oldPath ?? ""));
    const base = it.commonRefCommit?.commitId ?? it.targetRefCommit?.commitId ?? pr.baseSha;
    return { iteration: it, files, base, head: it.sourceRefCommit.commitId };
  };

  const postThread = (repo: RepoRef, pr: PullRequest, body: unknown, expect: number[] = []) =>
    api.request({
      method: "POST",
      path: `${prPath(repo, pr.number)}/threads`,
      body,
      expect,
      notFound: missingPr(repo, pr.number),
    });

  /** The id Loom keeps for a thread it posted: `thread/comment`, its first comment's ids. */
  const postedId = async (res: Response, repo: RepoRef, pr: PullRequest) => {
    const path = `${prPath(repo, pr.number)}/threads`;
    const t = await api.read(res, { method: "POST", path }, thread);
    return `${t.id}/${firstComment(t)?.id ?? 1}`;
  };

  return {
    platform: "azure-devops",
    dialect: {
      // Azure DevOps' suggestion UI is not reachable through comment markdown.
      suggestionFence: () => null,
      // No smaller documented limit; Loom keeps every platform to GitHub's bound.
      maxCommentChars: 65_536,
    },

    // Basic credentials are a header: checked before the body is read, and again after.
    precheckWebhook(req) {
      return this.verifyWebhook(req, new Uint8Array());
    },

    async verifyWebhook(req) {
      const expected = { user: options.webhookUsername, password: options.webhookPassword };
      if (!expected.user || !expected.password) return false;
      const given = basicCredentials(req.headers.get("authorization"));
      if (!given) return false;
      const [user, password] = await Promise.all([
        sameSecret(given.user, expected.user),
        sameSecret(given.password, expected.password),
      ]);
      if (!user || !password) return false;
      return true;
    },

    deliveryId: (_req, rawBody) => azureDevopsEventId(rawBody),

    parseEvent: (_req, rawBody) => parseAzureDevopsEvent(rawBody),

    async getPullRequest(repo, number) {
      const pr = await api.json(
        { path: `${repoPath(repo)}/pullrequests/${number}`, notFound: missingPr(repo, number) },
        pullRequest,
      );
      // Azure fills the merge commits in once it has computed the merge; until then the
      // latest iteration says where the branches are.
      let headSha = pr.lastMergeSourceCommit?.commitId;
      let baseSha = pr.lastMergeTargetCommit?.commitId;
      if (!headSha || !baseSha) {
        const latest = (await iterations(repo, number)).at(-1);
        headSha ??= latest?.sourceRefCommit.commitId ?? "";
        baseSha ??= latest?.targetRefCommit?.commitId ?? "";
      }
      return {
        number: pr.pullRequestId,
        title: pr.title ?? "",
        description: pr.description ?? "",
        headSha,
        baseSha,
        headRef: branchName(pr.sourceRefName),
        baseRef: branchName(pr.targetRefName),
        draft: pr.isDraft ?? false,
        state: pr.status === "completed" ? "merged" : pr.status === "abandoned" ? "closed" : "open",
        author: pr.createdBy?.uniqueName || pr.createdBy?.displayName || "",
        // Azure leaves `labels` out when there are none; a label marked inactive was removed.
        labels: (pr.labels ?? []).filter((l) => l.active !== false).map((l) => l.name),
      };
    },

    async fetchDiff(repo, pr) {
      const { files, base, head } = await changedFiles(repo, pr);
      const budget = diffBudget(options.maxDiffBytes);
      const diffs = await mapLimit(
        files,
        concurrency,
        async (f) => await fileDiff(await versionsOf(repo, f, base, head, budget)),
      );
      return diffs.join("");
    },

    async fetchFile(repo, path, ref) {
      const [version, type] = versionOf(ref);
      const res = await item(repo, path.replace(/^\/+/, ""), version, type);
      return res && await boundedFileText(res);
    },

    async listComments(repo, pr) {
      const me = await whoAmI();
      const list = await api.json(
        { path: `${prPath(repo, pr.number)}/threads`, notFound: missingPr(repo, pr.number) },
        z.object({ value: z.array(thread) }),
      );
      const out: PostedComment[] = [];
      for (const t of list.value) {
        const kind = property(t.properties, KIND_PROPERTY);
        const first = firstComment(t);
        if (t.isDeleted || !first || first.isDeleted) continue;
        if (first.author?.id?.toLowerCase() !== me) continue;
        const id = `${t.id}/${first.id}`;
        const body = first.content ?? "";
        if (kind === "summary") out.push({ id, kind: "summary", body });
        const fingerprint = property(t.properties, FINGERPRINT_PROPERTY);
        if (kind === "inline" && fingerprint) {
          const posted: PostedComment = { id, kind: "inline", body, fingerprint };
          const path = t.threadContext?.filePath;
          if (path) posted.path = path.replace(/^\/+/, "");
          const line = t.threadContext?.rightFileEnd?.line ?? t.threadContext?.rightFileStart?.line;
          if (typeof line === "number") posted.line = line;
          out.push(posted);
        }
      }
      return out;
    },

    async postSummary(repo, pr, body, existing) {
      const ids = existing ? /^(\d+)\/(\d+)$/.exec(existing.id) : null;
      if (ids) {
        const status = await api.send({
          method: "PATCH",
          path: `${prPath(repo, pr.number)}/threads/${ids[1]}/comments/${ids[2]}`,
          body: { content: body },
          // Someone deleted the summary, or it is not Loom's to edit (403): post a new one
          // rather than fail the review and leave its status pending.
          expect: [403, 404],
        });
        if (status !== 404 && status !== 403) return { id: existing!.id, kind: "summary", body };
      }
      const res = await postThread(repo, pr, {
        comments: [{ parentCommentId: 0, content: body, commentType: "text" }],
        status: "closed",
        properties: { [KIND_PROPERTY]: typed("summary") },
      });
      return { id: await postedId(res, repo, pr), kind: "summary", body };
    },

    async postComment(repo, pr, body) {
      const res = await postThread(repo, pr, {
        comments: [{ parentCommentId: 0, content: neverACommand(body), commentType: "text" }],
        status: "closed",
        properties: { [KIND_PROPERTY]: typed("reply") },
      });
      await res.body?.cancel();
    },

    async postInline(repo, pr, comments) {
      const result: InlineResult = { posted: [], rejected: [] };
      if (comments.length === 0) return result;
      const { iteration: it, files, base, head } = await changedFiles(repo, pr);
      const wanted = new Set(comments.map((c) => c.path));
      const diffs = new Map<string, { file?: DiffFile; lines: string[]; trackingId: number }>();
      await mapLimit(
        files.filter((f) => f.newPath !== null && wanted.has(f.newPath)),
        concurrency,
        async (f) => {
          const versions = await versionsOf(repo, f, base, head);
          const text = versions.newContent ? new TextDecoder().decode(versions.newContent) : "";
          diffs.set(f.newPath!, {
            file: parseDiff(await fileDiff(versions))[0],
            lines: text.split("\n"),
            trackingId: f.trackingId,
          });
        },
      );
      for (const c of comments) {
        const target = diffs.get(c.path);
        const problem = placementProblem(target?.file ? [target.file] : [], c);
        if (problem !== null || !target) {
          result.rejected.push({ comment: c, reason: problem ?? "not in the diff" });
          continue;
        }
        const start = rangeStart(c) ?? c.line;
        const endText = (target.lines[c.line - 1] ?? "").replace(/\r$/, "");
        const res = await postThread(repo, pr, {
          comments: [{ parentCommentId: 0, content: c.body, commentType: "text" }],
          status: "active",
          threadContext: {
            filePath: `/${c.path}`,
            rightFileStart: { line: start, offset: 1 },
            rightFileEnd: { line: c.line, offset: endText.length + 1 },
          },
          pullRequestThreadContext: {
            changeTrackingId: target.trackingId,
            iterationContext: { firstComparingIteration: 1, secondComparingIteration: it.id },
          },
          properties: {
            [KIND_PROPERTY]: typed("inline"),
            [FINGERPRINT_PROPERTY]: typed(c.fingerprint),
          },
        }, [400]);
        if (res.status === 400) {
          result.rejected.push({ comment: c, reason: azureDevopsMessage(await res.text()) });
          continue;
        }
        result.posted.push(landedInline(c, await postedId(res, repo, pr)));
      }
      return result;
    },

    canWrite: (repo, user) => azureCanWrite(api, repo, user),
    // Built by the review-life work (issue 12); until then these say so.
    compareCommits: (repo, from, to, o) =>
      compareCommits({ ...compareDeps, versionsOf }, repo, from, to, o),
    ...azureDevopsThreads({
      api,
      prPath,
      missingPr,
      whoAmI,
      property,
      kindProperty: KIND_PROPERTY,
      fingerprintProperty: FINGERPRINT_PROPERTY,
    }),

    async setStatus(repo, pr, status) {
      // Tied to the head's iteration, Azure shows the status as outdated once a push follows.
      const all = await iterations(repo, pr.number);
      const it = all.findLast((i) => i.sourceRefCommit.commitId === pr.headSha);
      await api.send({
        method: "POST",
        path: `${prPath(repo, pr.number)}/statuses`,
        body: {
          state: STATES[status.state],
          description: status.description,
          context: STATUS_CONTEXT,
          ...(status.targetUrl ? { targetUrl: status.targetUrl } : {}),
          ...(it ? { iterationId: it.id } : {}),
        },
        notFound: missingPr(repo, pr.number),
      });
    },
  };
}

const commitRef = z.object({ commitId: z.string().min(1) });

const pullRequest = z.object({
  pullRequestId: z.number().int(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  status: z.string(),
  isDraft: z.boolean().nullish(),
  sourceRefName: z.string(),
  targetRefName: z.string(),
  lastMergeSourceCommit: commitRef.nullish(),
  lastMergeTargetCommit: commitRef.nullish(),
  createdBy: z.object({
    uniqueName: z.string().nullish(),
    displayName: z.string().nullish(),
  }).nullish(),
  labels: z.array(z.object({ name: z.string(), active: z.boolean().nullish() })).nullish(),
});

const iteration = z.object({
  id: z.number().int(),
  sourceRefCommit: commitRef,
  targetRefCommit: commitRef.nullish(),
  commonRefCommit: commitRef.nullish(),
});
type Iteration = z.infer<typeof iteration>;

const change = gitChange.extend({ changeTrackingId: z.number().int() });
type Change = z.infer<typeof change>;

const changesPage = z.object({
  changeEntries: z.array(change).nullish().transform((v) => v ?? []),
  nextSkip: z.number().int().nullish(),
  nextTop: z.number().int().nullish(),
});

const position = z.object({ line: z.number().int() }).nullish();

const thread = z.object({
  id: z.number().int(),
  isDeleted: z.boolean().nullish(),
  comments: z.array(z.object({
    id: z.number().int(),
    parentCommentId: z.number().int().nullish(),
    content: z.string().nullish(),
    isDeleted: z.boolean().nullish(),
    author: z.object({ id: z.string().nullish() }).nullish(),
  })).nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
  threadContext: z.object({
    filePath: z.string().nullish(),
    rightFileStart: position,
    rightFileEnd: position,
  }).nullish(),
});
type Thread = z.infer<typeof thread>;

interface ChangePaths {
  oldPath: string | null;
  newPath: string | null;
}

// VersionControlChangeType flags, for an answer that gives the number rather than the names.
const CHANGE_FLAGS: [number, string][] = [
  [1, "add"],
  [2, "edit"],
  [8, "rename"],
  [16, "delete"],
  [32, "undelete"],
];

/** Where a change takes a file from and to; null for folders and submodules. */
function pathsOf(c: Change | CommitChange): ChangePaths | null {
  const raw = c.item?.path;
  if (!raw || c.item?.isFolder || (c.item?.gitObjectType && c.item.gitObjectType !== "blob")) {
    return null;
  }
  const flags = typeof c.changeType === "number"
    ? new Set(CHANGE_FLAGS.filter(([bit]) => (c.changeType as number) & bit).map(([, n]) => n))
    : new Set(c.changeType.split(",").map((s) => s.trim().toLowerCase()));
  const path = raw.replace(/^\/+/, "");
  if (flags.has("delete")) return { oldPath: path, newPath: null };
  if (flags.has("add") || flags.has("undelete")) return { oldPath: null, newPath: path };
  const from = flags.has("rename") && c.originalPath ? c.originalPath.replace(/^\/+/, "") : path;
  return { oldPath: from, newPath: path };
}

function repoPath(repo: RepoRef): string {
  const [project, name] = repoSegments(repo.fullName, "an Azure DevOps project/repository");
  const id = repo.id ? encodeURIComponent(repo.id) : name;
  return `/${project}/_apis/git/repositories/${id}`;
}

function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//, "");
}

/** A ref as Azure's version descriptor: a 40-hex SHA is a commit, anything else a branch. */
function versionOf(ref: string): [string, "commit" | "branch" | "tag"] {
  if (/^[0-9a-f]{40}$/i.test(ref)) return [ref, "commit"];
  if (ref.startsWith("refs/tags/")) return [ref.slice("refs/tags/".length), "tag"];
  return [branchName(ref), "branch"];
}

/** A string property as Azure stores it, so that it reads back with the same type. */
function typed(value: string) {
  return { $type: "System.String", $value: value };
}

function property(props: Record<string, unknown> | null | undefined, key: string) {
  const v = props?.[key];
  if (typeof v === "string") return v;
  if (typeof v === "object" && v !== null && "$value" in v) {
    const value = (v as { $value: unknown }).$value;
    return value === undefined || value === null ? undefined : String(value);
  }
  return undefined;
}

function firstComment(t: Thread) {
  const comments = (t.comments ?? []).filter((c) => !c.parentCommentId);
  return comments.toSorted((a, b) => a.id - b.id)[0];
}

/**
 * A text that cannot read as a `/loom` command: a first line starting with `/loom` gets a
 * Markdown escape (`\/loom`), which renders the same but is not a command, so that an answer
 * Loom posts never triggers another.
 */
function neverACommand(text: string): string {
  return /^\s*\/loom/i.test(text) ? text.replace(/^(\s*)\//, "$1\\/") : text;
}

function basicCredentials(header: string | null): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? "");
  if (!m) return null;
  let decoded: string;
  try {
    const bytes = Uint8Array.from(atob(m[1]), (ch) => ch.charCodeAt(0));
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
