/**
 * The fake GitHub's GraphQL endpoint: every query is parsed and validated against GitHub's
 * published schema (`@octokit/graphql-schema`), then executed by `graphql-js` over the fake's
 * review threads, so the answer has exactly the shape the query asks for and an invalid query
 * gets GitHub's 200-with-`errors` answer. Only the fields Loom reads are backed by data; any
 * other valid field answers null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answerGraphql } from "./graphql.ts";
 *
 * const store = {
 *   threads: () => null,
 *   resolve: () => null,
 * };
 * const bad = await answerGraphql(store, { query: "{ repository { nope } }" }, "loom[bot]");
 * const said = bad.errors!.map((e) => e.message).join("\n");
 * assert.match(said, /Cannot query field "nope" on type "Repository"/);
 * assert.match(said, /argument "owner" of type "String!" is required/);
 * assert.equal(bad.data, undefined, "an invalid query is not run");
 * ```
 * @module
 */

import { schema as published } from "@octokit/graphql-schema";
import {
  buildSchema,
  execute,
  type GraphQLSchema,
  parse,
  validate,
  type ValidationRule,
} from "graphql";

/** A review thread as the fake holds it, for the GraphQL answer. */
export interface GraphqlThread {
  /** The thread's node id (`PRRT_…`). */
  id: string;
  isResolved: boolean;
  resolvedBy: string | null;
  comments: {
    databaseId: number;
    author: { login: string; type: string };
    body: string;
    reactions: { content: string; login: string; type: string }[];
  }[];
}

/** What the endpoint reads and changes on the fake. */
export interface GraphqlStore {
  /** The review threads of a pull request, oldest first; null when it does not exist. */
  threads(owner: string, name: string, number: number): GraphqlThread[] | null;
  /** Resolves thread `id` as `login`; the thread after, or null when there is none. */
  resolve(id: string, login: string): GraphqlThread | null;
}

/** A GraphQL answer, as GitHub sends it (HTTP 200 either way). */
export interface GraphqlAnswer {
  data?: unknown;
  errors?: { message: string; type?: string; path?: readonly (string | number)[] }[];
}

let built: GraphQLSchema | null = null;

/**
 * GitHub's schema, built once. Its published SDL defines two fields twice (a quirk of the
 * generator), which GitHub's own server tolerates; `assumeValidSDL` does the same.
 */
export function githubSchema(): GraphQLSchema {
  built ??= buildSchema(published.idl, { assumeValidSDL: true });
  return built;
}

/**
 * The problems GitHub's schema finds in `query`: none for a query GitHub would run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { schemaProblems } from "./graphql.ts";
 *
 * assert.deepEqual(schemaProblems("{ viewer { login } }"), []);
 * assert.match(schemaProblems("{ viewer { nope } }")[0], /Cannot query field "nope"/);
 * ```
 */
export function schemaProblems(query: string, rules?: readonly ValidationRule[]): string[] {
  try {
    return validate(githubSchema(), parse(query), rules).map((e) => e.message);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** Answers `body` (`{query, variables}`) as GitHub would, acting for `viewer`. */
export async function answerGraphql(
  store: GraphqlStore,
  body: { query?: unknown; variables?: unknown },
  viewer: string,
): Promise<GraphqlAnswer> {
  if (typeof body.query !== "string") {
    return { errors: [{ message: "A query attribute must be specified and must be a string." }] };
  }
  let document;
  try {
    document = parse(body.query);
  } catch (error) {
    return { errors: [{ message: (error as Error).message }] };
  }
  const problems = validate(githubSchema(), document);
  if (problems.length > 0) return { errors: problems.map((e) => ({ message: e.message })) };
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  const result = await execute({
    schema: githubSchema(),
    document,
    variableValues: variables,
    rootValue: root(store, viewer),
  });
  const answer: GraphqlAnswer = {};
  if (result.data !== undefined) answer.data = result.data;
  if (result.errors?.length) {
    answer.errors = result.errors.map((e) => ({
      message: e.message,
      ...(e.path ? { path: e.path } : {}),
      // GitHub names the kind of error; the fake's resolvers throw a `NotFound` for a missing node.
      ...(e.originalError instanceof NotFound ? { type: "NOT_FOUND" } : {}),
    }));
  }
  return answer;
}

class NotFound extends Error {}

const REACTIONS = [
  "THUMBS_UP",
  "THUMBS_DOWN",
  "LAUGH",
  "HOORAY",
  "CONFUSED",
  "HEART",
  "ROCKET",
  "EYES",
];

/** A connection over `items` as GitHub pages them: `first` (≤ 100) after an opaque cursor. */
function connection<T>(items: T[], args: { first?: number; after?: string | null }) {
  const start = args.after ? Number(atob(args.after)) + 1 : 0;
  const first = Math.min(args.first ?? 100, 100);
  const nodes = items.slice(start, start + first);
  const end = start + nodes.length - 1;
  return {
    totalCount: items.length,
    nodes,
    pageInfo: {
      hasNextPage: start + nodes.length < items.length,
      endCursor: nodes.length ? btoa(String(end)) : null,
    },
  };
}

function actor(u: { login: string; type: string }) {
  return { __typename: u.type === "Bot" ? "Bot" : "User", login: u.login };
}

function threadNode(t: GraphqlThread) {
  return {
    __typename: "PullRequestReviewThread",
    id: t.id,
    isResolved: t.isResolved,
    resolvedBy: t.resolvedBy ? { __typename: "User", login: t.resolvedBy } : null,
    comments: (args: { first?: number; after?: string }) =>
      connection(
        t.comments.map((c) => ({
          __typename: "PullRequestReviewComment",
          databaseId: c.databaseId,
          author: actor(c.author),
          body: c.body,
          reactionGroups: REACTIONS.map((content) => ({
            content,
            reactors: (args: { first?: number; after?: string }) =>
              connection(
                c.reactions.filter((r) => r.content === content).map((r) => actor(r)),
                args,
              ),
          })),
        })),
        args,
      ),
  };
}

function root(store: GraphqlStore, viewer: string) {
  return {
    repository: ({ owner, name }: { owner: string; name: string }) => ({
      __typename: "Repository",
      pullRequest: ({ number }: { number: number }) => {
        const threads = store.threads(owner, name, number);
        if (!threads) {
          throw new NotFound(`Could not resolve to a PullRequest with the number of ${number}.`);
        }
        return {
          __typename: "PullRequest",
          number,
          reviewThreads: (args: { first?: number; after?: string }) =>
            connection(threads.map(threadNode), args),
        };
      },
    }),
    resolveReviewThread: ({ input }: { input: { threadId: string } }) => {
      const thread = store.resolve(input.threadId, viewer);
      if (!thread) {
        throw new NotFound(`Could not resolve to a node with the global id of '${input.threadId}'`);
      }
      return { thread: threadNode(thread) };
    },
  };
}
