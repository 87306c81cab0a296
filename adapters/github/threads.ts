/**
 * The threads of Loom's inline comments on GitHub, read and resolved through GitHub's GraphQL
 * API: the REST API can neither tell whether a review thread is resolved nor resolve one.
 * `repository.pullRequest.reviewThreads` gives each thread's state, who resolved it, its
 * comments (Loom's first, people's replies after) and the reactions on Loom's comment, in one
 * query a page; `resolveReviewThread` resolves one. Both are checked against GitHub's published
 * schema (`@octokit/graphql-schema`) in `threads_test.ts`, and by the fake GitHub on every call.
 * @module
 */

import { z } from "zod";
import { createGithubApi, type GithubApiOptions, type GithubRequest } from "./api.ts";
import {
  fingerprintOf,
  MAX_REACTIONS,
  MAX_REPLIES,
  personReplies,
  repoSegments,
  threadBudget,
} from "../_shared/mod.ts";
import type { DiffBudget } from "../_shared/mod.ts";
import {
  type GitAdapter,
  PlatformError,
  type PullRequest,
  type RepoRef,
  type ReviewThread,
} from "../../src/platform/mod.ts";
import { untilReset } from "../../src/net/mod.ts";

/** Threads a page: GitHub's largest. */
const THREADS_PAGE = 100;
/** Pages read at most: 2,000 threads, far above the findings Loom posts on one pull request. */
const MAX_PAGES = 20;

/**
 * The query for one page of a pull request's review threads. `root` is the thread's first
 * comment (Loom's, where the thread is Loom's) with its reactions; `comments` the thread's
 * comments up to {@link MAX_REPLIES}, bodies and authors only. The node count GitHub charges
 * stays near 100 + 100 + 100×100 + 100×50, well inside its 500,000 limit.
 */
export const THREADS_QUERY = `query LoomReviewThreads(
  $owner: String!, $name: String!, $number: Int!, $after: String
) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: ${THREADS_PAGE}, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          isResolved
          resolvedBy { login }
          root: comments(first: 1) {
            nodes {
              databaseId
              author { login }
              body
              reactionGroups {
                content
                reactors(first: ${MAX_REACTIONS}) { nodes { ... on Actor { login } } }
              }
            }
          }
          comments(first: ${MAX_REPLIES + 1}) {
            nodes { databaseId author { login } body }
          }
        }
      }
    }
  }
}`;

/** The mutation that resolves one review thread; GitHub answers it alike when already resolved. */
export const RESOLVE_MUTATION = `mutation LoomResolveThread($threadId: ID!) {
  resolveReviewThread(input: { threadId: $threadId }) {
    thread { id isResolved }
  }
}`;

/** What {@link githubThreads} calls GitHub with. */
export interface GithubThreadsDeps {
  /** The REST client's options: the GraphQL client is set up alike (credentials, retries). */
  apiOptions: GithubApiOptions;
  /** Loom's login (`loom[bot]`), to tell its comments and replies from people's. */
  whoAmI(): Promise<string>;
}

/**
 * `listThreads` and `resolveThread` for the GitHub adapter. Only threads whose first comment is
 * Loom's (by login) and carries a fingerprint marker are listed; replies by Loom are left out.
 * `resolveThread` finds the thread of Loom's comment by its database id: none is `gone`, a
 * resolved one `already_resolved`, else the mutation resolves it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { githubThreads } from "./threads.ts";
 *
 * // A fake GitHub GraphQL endpoint: one thread of Loom's, resolved by alice.
 * const fakeFetch: typeof fetch = async () =>
 *   Response.json({ data: { repository: { pullRequest: { reviewThreads: {
 *     pageInfo: { hasNextPage: false, endCursor: null },
 *     nodes: [{
 *       id: "PRRT_1",
 *       isResolved: true,
 *       resolvedBy: { login: "alice" },
 *       root: { nodes: [{ databaseId: 11, author: { login: "loom[bot]" },
 *         body: "Bind it.\n\n<!-- loom:fp:fp-1 -->", reactionGroups: [] }] },
 *       comments: { nodes: [{ databaseId: 11, author: { login: "loom[bot]" }, body: "x" },
 *         { databaseId: 12, author: { login: "alice" }, body: "done" }] },
 *     }],
 *   } } } } });
 * const threads = githubThreads({
 *   apiOptions: {
 *     apiUrl: "https://api.github.com",
 *     fetch: fakeFetch,
 *     now: Date.now,
 *     authorization: () => Promise.resolve("Bearer ghp_example"),
 *   },
 *   whoAmI: () => Promise.resolve("loom[bot]"),
 * });
 * const repo = { platform: "github", fullName: "octo/app" };
 * const listed = await threads.listThreads(repo, { number: 7 } as never);
 * assert.deepEqual(listed, [{
 *   commentId: "11",
 *   fingerprint: "fp-1",
 *   resolved: true,
 *   resolvedBy: "alice",
 *   replies: [{ author: "alice", body: "done" }],
 *   reactions: [],
 * }]);
 * ```
 */
export function githubThreads(
  deps: GithubThreadsDeps,
): Pick<GitAdapter, "listThreads" | "resolveThread"> {
  const api = createGithubApi({ ...deps.apiOptions, apiUrl: graphqlRoot(deps.apiOptions.apiUrl) });
  const now = deps.apiOptions.now;

  const graphql = async <T>(
    repo: RepoRef,
    query: string,
    variables: Record<string, unknown>,
    schema: z.ZodType<T>,
    notFound: string,
    budget?: DiffBudget,
  ): Promise<T> => {
    const req: GithubRequest = {
      method: "POST",
      path: "/graphql",
      repo,
      body: { query, variables },
    };
    const res = await api.request(req);
    const answer = await api.read(res, req, graphqlAnswer(schema), budget);
    if (answer.errors?.length) throw graphqlError(answer.errors, notFound, res, now());
    if (answer.data == null) {
      throw new PlatformError("GitHub answered GraphQL without data", {
        status: res.status,
        retryable: true,
      });
    }
    return answer.data;
  };

  const threadsOf = async (repo: RepoRef, pr: PullRequest) => {
    const [owner, name] = repoSegments(repo.fullName, "a GitHub owner/name");
    const notFound =
      `pull request ${repo.fullName}#${pr.number} not found (or the token cannot see it)`;
    const budget = threadBudget("GitHub");
    const out: Thread[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const data: ThreadsData = await graphql(
        repo,
        THREADS_QUERY,
        { owner, name, number: pr.number, after },
        threadsData,
        notFound,
        budget,
      );
      const threads = data.repository?.pullRequest?.reviewThreads;
      if (!threads) {
        throw new PlatformError(notFound, { status: 404, retryable: false });
      }
      out.push(...threads.nodes.flatMap((t) => t ?? []));
      const next = threads.pageInfo.endCursor;
      if (!threads.pageInfo.hasNextPage || !next || next === after) break;
      after = next;
    }
    return out;
  };

  const isLoomOf = async () => {
    const me = (await deps.whoAmI()).toLowerCase();
    // Logins are case-insensitive on GitHub.
    return (login: string | undefined | null) => login?.toLowerCase() === me;
  };

  const rootOf = (t: Thread) => t.root.nodes?.[0] ?? null;

  return {
    async listThreads(repo, pr) {
      const [threads, isLoom] = await Promise.all([threadsOf(repo, pr), isLoomOf()]);
      const out: ReviewThread[] = [];
      for (const t of threads) {
        const root = rootOf(t);
        const marked = root && fingerprintOf(root.body ?? "");
        if (!root?.databaseId || !marked || !isLoom(root.author?.login)) continue;
        const later = (t.comments.nodes ?? []).filter((c) => c && c.databaseId !== root.databaseId);
        out.push({
          commentId: String(root.databaseId),
          fingerprint: marked.fingerprint,
          resolved: t.isResolved,
          ...(t.resolvedBy?.login ? { resolvedBy: t.resolvedBy.login } : {}),
          replies: personReplies(
            later.map((c) => ({ author: c?.author?.login, body: c?.body })),
            (login) => isLoom(login),
          ),
          reactions: (root.reactionGroups ?? []).flatMap((g) =>
            (g.reactors.nodes ?? []).flatMap((r) =>
              r?.login && !isLoom(r.login)
                ? [{
                  author: r.login,
                  content: REACTION_NAMES[g.content] ?? g.content.toLowerCase(),
                }]
                : []
            )
          ).slice(0, MAX_REACTIONS),
        });
      }
      return out;
    },

    async resolveThread(repo, pr, commentId) {
      const [threads, isLoom] = await Promise.all([threadsOf(repo, pr), isLoomOf()]);
      const thread = threads.find((t) => {
        const root = rootOf(t);
        return String(root?.databaseId) === commentId && isLoom(root?.author?.login);
      });
      if (!thread) return "gone";
      if (thread.isResolved) return "already_resolved";
      try {
        const done = await graphql(
          repo,
          RESOLVE_MUTATION,
          { threadId: thread.id },
          resolved,
          `the review thread of comment ${commentId} on ${repo.fullName}#${pr.number} is gone`,
        );
        if (!done.resolveReviewThread?.thread?.isResolved) {
          throw new PlatformError(
            `GitHub did not resolve the review thread of comment ${commentId}`,
            { status: 200, retryable: true },
          );
        }
      } catch (error) {
        // Deleted between the list and the mutation.
        if (error instanceof PlatformError && error.status === 404) return "gone";
        throw error;
      }
      return "resolved";
    },
  };
}

/**
 * Where GitHub serves GraphQL for the REST API at `apiUrl`: `https://api.github.com/graphql`,
 * and on GitHub Enterprise Server `https://HOST/api/graphql` beside `https://HOST/api/v3`.
 */
export function graphqlRoot(apiUrl: string): string {
  const root = apiUrl.replace(/\/+$/, "");
  return /\/api\/v3$/.test(root) ? root.replace(/\/v3$/, "") : root;
}

/** GitHub's GraphQL reaction names, as the REST API (and Loom) spells them. */
const REACTION_NAMES: Record<string, string> = {
  THUMBS_UP: "+1",
  THUMBS_DOWN: "-1",
  LAUGH: "laugh",
  HOORAY: "hooray",
  CONFUSED: "confused",
  HEART: "heart",
  ROCKET: "rocket",
  EYES: "eyes",
};

const login = z.object({ login: z.string() }).nullish();
const comment = z.object({
  databaseId: z.number().nullish(),
  author: login,
  body: z.string().nullish(),
});
const thread = z.object({
  id: z.string(),
  isResolved: z.boolean(),
  resolvedBy: login,
  root: z.object({
    nodes: z.array(
      comment.extend({
        reactionGroups: z.array(z.object({
          content: z.string(),
          reactors: z.object({
            nodes: z.array(z.object({ login: z.string().nullish() }).nullish()).nullish(),
          }),
        })).nullish(),
      }).nullish(),
    ).nullish(),
  }),
  comments: z.object({ nodes: z.array(comment.nullish()).nullish() }),
});
type Thread = z.infer<typeof thread>;

const threadsData = z.object({
  repository: z.object({
    pullRequest: z.object({
      reviewThreads: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
        nodes: z.array(thread.nullish()),
      }),
    }).nullish(),
  }).nullish(),
});
type ThreadsData = z.infer<typeof threadsData>;

const resolved = z.object({
  resolveReviewThread: z.object({
    thread: z.object({ id: z.string(), isResolved: z.boolean() }).nullish(),
  }).nullish(),
});

const graphqlErrorJson = z.object({
  message: z.string(),
  type: z.string().optional(),
});
type GraphqlError = z.infer<typeof graphqlErrorJson>;

function graphqlAnswer<T>(data: z.ZodType<T>) {
  return z.object({ data: data.nullish(), errors: z.array(graphqlErrorJson).optional() });
}

/**
 * GitHub answers GraphQL errors with 200: a missing repository, pull request or node is
 * `NOT_FOUND` (permanent, 404 as REST says it), an exhausted point budget `RATE_LIMITED`
 * (retryable, a second past `x-ratelimit-reset`), a missing permission `FORBIDDEN` (permanent,
 * naming the permission), anything else permanent with its messages.
 */
function graphqlError(
  errors: GraphqlError[],
  notFound: string,
  res: Response,
  now: number,
): PlatformError {
  const said = errors.map((e) => e.message).join("; ").slice(0, 1_000);
  if (errors.some((e) => e.type === "NOT_FOUND")) {
    return new PlatformError(notFound, { status: 404, retryable: false });
  }
  if (errors.some((e) => e.type === "RATE_LIMITED")) {
    return new PlatformError(`GitHub rate limit on POST /graphql (${said})`, {
      status: 429,
      retryable: true,
      rateLimited: true,
      retryAfterMs: untilReset(res.headers.get("x-ratelimit-reset"), now, 1000) ?? 60_000,
    });
  }
  if (errors.some((e) => e.type === "FORBIDDEN")) {
    // GitHub gates resolveReviewThread on Contents write, not on Pull requests write alone.
    return new PlatformError(
      `GitHub refused POST /graphql (FORBIDDEN: ${said}); resolving review threads needs the ` +
        "token or App to have Contents: Read and write as well as Pull requests: Read and write",
      { status: 403, retryable: false },
    );
  }
  return new PlatformError(`GitHub refused POST /graphql: ${said}`, {
    status: res.status,
    retryable: false,
  });
}
