/**
 * The adapter contract: what every {@link GitAdapter} must do, whatever its platform, written once
 * and run by each platform's `adapter_test.ts` against its own fake (the shape of Hono's router
 * suite, `common.case.test.ts`, which every router runs).
 *
 * A platform supplies a {@link AdapterHarness}: how to start its fake with a seeded pull request,
 * how to make the fake fail, and how to read back what the adapter posted. The cases here state
 * the behaviour; the harness states the platform's words for it (its messages, its states, where
 * it keeps a comment). What only one platform does stays in that platform's own test file.
 * @module
 */

import assert from "node:assert/strict";
import { parseDiff } from "../../src/diff/mod.ts";
import {
  type CommandAuthor,
  type CommitStatus,
  type GitAdapter,
  type InlineComment,
  type InlineResult,
  type PostedComment,
  type PullRequest,
  type RepoRef,
  WebhookPayloadError,
} from "../../src/platform/mod.ts";
import { MAX_FILE_BYTES } from "../../adapters/_shared/mod.ts";
import type { FailureMatch, FakeFailure, RecordedRequest } from "../fakes/fake_server.ts";
import {
  BASE,
  bytes,
  comment,
  HEAD,
  type Hook,
  hookRequest,
  platformError,
  SEED,
  WEBHOOK_SECRET,
} from "./adapter_test_kit.ts";

/** A running fake with a seeded pull request and an adapter that talks to it. */
export interface ContractEnv<F extends FakeFailure = FakeFailure> extends AsyncDisposable {
  adapter: GitAdapter;
  repo: RepoRef;
  /** The seeded pull request, as the adapter read it during setup. */
  pr: PullRequest;
  /** The fake's request log and failure injection. */
  fake: {
    requests: RecordedRequest[];
    failNext(failure: F, match?: FailureMatch): void;
  };
}

/** A failure to inject, the call that meets it (`getPullRequest` by default), and its error. */
export interface ExpectedFailure<E, F> {
  failure: F;
  match?: FailureMatch;
  call?: (env: E) => Promise<unknown>;
  status: number;
  /** For rate limits: the wait the error must carry; `undefined` leaves it to the queue. */
  retryAfterMs?: number;
  message?: RegExp;
}

/** A comment as the fake stores it: its id as the adapter reports it, and its raw body. */
export interface StoredComment {
  id: string;
  body: string;
}

/** A comment by someone else, seeded on the fake: its id, and its text as the fake holds it now. */
export interface ForeignComment {
  id: string;
  text(): string;
}

/** Where the fake holds an inline comment: its file, last line and first line of a range. */
export interface StoredAnchor {
  path: string;
  line: number;
  /** `null` for a single line. */
  startLine: number | null;
}

/** A webhook delivery as the adapter receives it. */
export interface Delivery {
  request: Request;
  raw: Uint8Array;
}

/** What a platform supplies to run the contract; `E` is its environment. */
export interface AdapterHarness<E extends ContractEnv<F>, F extends FakeFailure = FakeFailure> {
  /** Names the cases: `"GitHub"`. */
  platform: string;
  /** Starts the fake with the pull request seeded, and an adapter with `credentials`. */
  setup(credentials?: string): Promise<E>;
  /** The kinds of credentials the adapter accepts, each checked for leaks; one by default. */
  credentialKinds?: string[];
  /** An adapter with `env`'s credentials, calling a server that is gone. */
  offline(env: E): Promise<GitAdapter>;
  /** {@link AdapterHarness.setup} with an adapter that reads at most `maxDiffBytes` of a diff. */
  setupWithDiffLimit(maxDiffBytes: number): Promise<E>;
  /**
   * Everything secret the adapter was given: none may appear in an error's message or stack,
   * whole or any {@link SECRET_PIECE} characters of it in a row.
   */
  secrets: string[];

  pullRequest: {
    /** The seeded pull request's author, as the platform names them. */
    author: string;
    /**
     * How the platform reads the seeded pull request where it differs from
     * {@link SEEDED_PULL_REQUEST} at {@link HEAD} over {@link BASE}.
     */
    expected?(env: E): Partial<PullRequest>;
    /**
     * The path of the first call (setup's read of the pull request), and the headers it must
     * carry besides `user-agent: loom`: the credentials and the platform's own.
     */
    firstCall(env: E): { path: string; headers: Record<string, string> };
    /** Merges, closes (without merging) or marks as draft the seeded pull request on the fake. */
    update(env: E, change: "merged" | "closed" | "draft"): void;
    /** A pull request that does not exist, and the message its 404 must carry. */
    missing: { number: number; message: string };
  };

  /**
   * Seeds the fake with three people as the platform's permission API will answer about them:
   * one who may push to the repository, one who may only read it, one who is nobody to it; and
   * returns each as a command's event names them.
   */
  permissions(env: E): { writer: CommandAuthor; reader: CommandAuthor; stranger: CommandAuthor };

  failures: {
    /** A 5xx on `listComments`. */
    serverError: ExpectedFailure<E, F>;
    rateLimits: ExpectedFailure<E, F>[];
    /** Failures whose errors are searched for the {@link AdapterHarness.secrets}. */
    leaky: F[];
  };

  diff: {
    expected(env: E): string;
    /** Byte for byte; otherwise file by file, git's similarity score aside. */
    exact: boolean;
  };

  /** Seeds files on the fake; returns those that must be read and those that must be null. */
  files(env: E): Promise<{
    present: { path: string; ref: string; text: string }[];
    missing: { path: string; ref: string }[];
    /** Files over `MAX_FILE_BYTES`: refused, never read whole. */
    tooLarge?: { path: string; ref: string }[];
  }>;

  summary: {
    /** The summaries the fake holds for the pull request, oldest first. */
    stored(env: E): StoredComment[];
    /** The body the fake holds for a summary of `text`. */
    raw(text: string): string;
    remove(env: E, id: string): void;
    /** Seeds what must not be taken for Loom's summary. */
    before?(env: E): void | Promise<void>;
    onPosted?(env: E, first: PostedComment): void | Promise<void>;
    onEdited?(env: E, edited: PostedComment): void | Promise<void>;
    onDone?(env: E): void | Promise<void>;
  };

  inline: {
    /** Comments that land: single lines, ranges, several files. */
    landing: InlineComment[];
    /** Where the fake holds the inline comments, in posting order. */
    anchors(env: E): StoredAnchor[];
    /** The ids of the stored inline comments, in posting order. */
    ids(env: E): string[];
    /** Where a landing comment is held; its range when it has one by default. */
    anchorOf?(comment: InlineComment): StoredAnchor;
    /** The line reported for a posted comment; its own line by default. */
    postedLine?(comment: InlineComment): number;
    /** Whether `listComments` gives them in posting order; compared sorted otherwise. */
    ordered?: boolean;
    onPosted?(env: E, result: InlineResult): void | Promise<void>;
    /** Comments that land around refused ones, and the refused ones with their reasons. */
    refusals: { good: InlineComment[]; refused: { comment: InlineComment; reason: string }[] };
    onRefused?(env: E, result: InlineResult): void | Promise<void>;
    /** A 5xx answered to the POST of `comment` (a line of src/db.ts by default) to `path`. */
    serverError: { failure: F; path: RegExp; comment?: InlineComment };
  };

  pagination: {
    /** How many comments by others to seed (a page's worth several times over), and how. */
    others: { count: number; add(env: E, body: string): void };
    /** A comment by another that quotes Loom's summary marker: not Loom's summary. */
    quote?: string;
    /** Seeds anything else the platform's pages hold. */
    seed?(env: E): void;
    inline: InlineComment[];
    /** Posts the inline comments one call each. */
    oneByOne?: boolean;
    afterPost?(env: E): Promise<void> | void;
    /** Fingerprints `listComments` must give; those of `inline` by default. */
    fingerprints?: string[];
    /** Checks the pages read; `before` counts the requests before `listComments`. */
    check(env: E, seen: { listed: PostedComment[]; result: InlineResult; before: number }): void;
  };

  /**
   * Comments by someone else (a commenter, the pull request's author) that carry Loom's markers:
   * anyone can type them, so they must never count as Loom's (issue 10, summary takeover and
   * forged fingerprints).
   */
  foreign: {
    /**
     * Seeds, as a commenter, a comment whose raw text is `raw` (a summary's text, marker and
     * all, and on Azure DevOps the summary's thread properties): its id as the adapter names
     * comments, and its text as the fake holds it now.
     */
    summary(env: E, raw: string): Promise<ForeignComment> | ForeignComment;
    /** Seeds, as a commenter, an inline comment on the diff carrying `fingerprint`'s marker. */
    inline(env: E, fingerprint: string): Promise<void> | void;
    /**
     * Whether the platform refuses Loom an edit of another's comment (403). GitHub lets anyone
     * with write access edit any comment, so there the identity check alone protects it.
     */
    editRefused: boolean;
  };

  status: {
    /** What the fake recorded for each status set on the head, as tuples of the platform. */
    read(env: E): unknown[];
    /** The tuple `read` must give for `status`. */
    expected(status: CommitStatus): unknown;
  };

  webhook: {
    /** A pull-request delivery signed right, signed with another secret, or not signed. */
    delivery(signed: "right" | "wrong" | "missing"): Promise<Delivery>;
    /** The id the right delivery carries. */
    deliveryId: string;
    /** An adapter configured without a webhook secret. */
    unconfigured(): GitAdapter;
  };
}

/**
 * The pull request the adapter tests seed ({@link SEED}), as Loom reads it, but for what each
 * platform says its own way (shas, author).
 */
export const SEEDED_PULL_REQUEST = {
  number: SEED.number,
  title: SEED.title,
  description: SEED.description,
  headRef: SEED.headRef,
  baseRef: SEED.baseRef,
  draft: false,
  state: "open",
} as const;

/**
 * How many characters of a secret in a row count as leaking it: less than a token's random
 * part, more than its platform's prefix (`glpat-`) or what an error could hold by chance.
 */
export const SECRET_PIECE = 12;

/** `secret` and every run of {@link SECRET_PIECE} characters in it. */
function pieces(secret: string): string[] {
  const runs = Array.from(
    { length: Math.max(0, secret.length - SECRET_PIECE + 1) },
    (_, i) => secret.slice(i, i + SECRET_PIECE),
  );
  return [secret, ...runs];
}

/** A comment on an added line of the diff, the one posted when a platform names none. */
const ON_THE_DIFF = comment("src/db.ts", 4, "fp");

/**
 * The {@link ContractEnv} of `adapter` over `fake`, with pull request `number` read as Loom reads
 * it; disposing of it closes the fake.
 */
export async function contractEnv<F extends FakeFailure>(
  fake: ContractEnv<F>["fake"] & { close(): Promise<void> },
  adapter: GitAdapter,
  repo: RepoRef,
  number = SEED.number,
): Promise<ContractEnv<F>> {
  const pr = await adapter.getPullRequest(repo, number);
  return { fake, adapter, repo, pr, [Symbol.asyncDispose]: () => fake.close() };
}

/** A webhook delivery of `body` with `headers`, as the adapter receives it. */
export function delivery(headers: Record<string, string>, body: string): Delivery {
  return { request: hookRequest(headers), raw: bytes(body) };
}

/**
 * The delivery `signed` asks for, from `sign` (a hook signed with the secret it is given) and
 * the header that carries the signature: signed with {@link WEBHOOK_SECRET}, with another
 * secret, or without that header.
 */
export async function signedDelivery(
  signed: "right" | "wrong" | "missing",
  signatureHeader: string,
  sign: (secret: string) => Promise<Hook>,
): Promise<Delivery> {
  const hook = await sign(signed === "wrong" ? "other-secret" : WEBHOOK_SECRET);
  const { [signatureHeader]: _, ...unsigned } = hook.headers;
  return delivery(signed === "missing" ? unsigned : hook.headers, hook.body);
}

/**
 * What a GitHub-style fake (GitHub, Gitea) is told for `change` of {@link AdapterHarness}'s
 * `pullRequest.update`: merged is closed and merged; closed comes after it, so it is closed
 * and not merged; a draft is `draft`, which each platform marks its own way.
 */
export function githubStyleChange<D>(
  change: "merged" | "closed" | "draft",
  draft: D,
): { state: "closed"; merged: true } | { merged: false } | D {
  if (change === "merged") return { state: "closed", merged: true };
  return change === "closed" ? { merged: false } : draft;
}

/** The calls the GitHub-style fakes (GitHub, Gitea) share, read by {@link githubStyleParts}. */
export interface GithubStyleFake {
  comments(repo: string, number: number): { id: number; body: string }[];
  addIssueComment(repo: string, number: number, body: string): { id: number };
  deleteIssueComment(repo: string, id: number): void;
  setFile(repo: string, ref: string, path: string, text: string): void;
  statuses(repo: string, sha: string): {
    context: string;
    state: string;
    description: string | null;
    targetUrl: string | null;
  }[];
}

/**
 * The parts of a harness that a GitHub-style fake (`of(env)`) answers alike for the seeded pull
 * request on `repo`: its summaries in the conversation, comments by others, files and statuses.
 */
export function githubStyleParts<E extends ContractEnv>(
  of: (env: E) => GithubStyleFake,
  repo = "octo/app",
) {
  const n = SEED.number;
  return {
    /** `files`, with the file to encode on `ref`. */
    files: (ref: string) => (env: E) =>
      seededFiles((f) => of(env).setFile(repo, f.ref, f.path, f.text), ref),
    stored: (env: E) => of(env).comments(repo, n).map((c) => ({ id: String(c.id), body: c.body })),
    remove: (env: E, id: string) => of(env).deleteIssueComment(repo, Number(id)),
    addComment: (env: E, body: string) => void of(env).addIssueComment(repo, n, body),
    /**
     * {@link AdapterHarness.foreign}: a person's conversation comment for the summary, and
     * `seedInline` seeding a person's inline comment on a line of the diff.
     */
    foreign: (
      seedInline: (env: E, comment: { path: string; line: number; body: string }) => void,
      editRefused: boolean,
    ): AdapterHarness<E>["foreign"] => ({
      summary(env, raw) {
        const { id } = of(env).addIssueComment(repo, n, raw);
        return { id: String(id), text: () => of(env).comments(repo, n)[0].body };
      },
      inline: (env, fingerprint) =>
        seedInline(env, {
          path: "src/db.ts",
          line: 4,
          body: `Nothing to fix.\n\n<!-- loom:fp:${fingerprint} -->`,
        }),
      editRefused,
    }),
    statuses: (env: E) =>
      of(env).statuses(repo, HEAD).map((s) => [s.context, s.state, s.description, s.targetUrl]),
  };
}

/**
 * The files of {@link AdapterHarness.files} for a fake that holds files by ref: the config on
 * `main` and a file with a name to encode on `ref` ({@link HEAD} by default), each `put` on the
 * fake; the config at `ref` must be missing unless `missing` says otherwise.
 */
export function seededFiles(
  put: (file: { path: string; ref: string; text: string }) => void,
  ref: string = HEAD,
  missing: { path: string; ref: string }[] = [{ path: ".loom/config.yaml", ref: HEAD }],
): ReturnType<AdapterHarness<ContractEnv>["files"]> {
  const present = [
    { path: ".loom/config.yaml", ref: "main", text: "pipelines: []\n" },
    { path: "docs/my café #1.md", ref, text: "# Café\n" },
  ];
  present.forEach(put);
  const tooLarge = [{ path: "AGENTS.md", ref: "main" }];
  for (const f of tooLarge) put({ ...f, text: "Be kind.\n".repeat(MAX_FILE_BYTES / 8) });
  return Promise.resolve({ present, missing, tooLarge });
}

/** The files of a diff as a reviewer sees them: git's similarity score aside, by path. */
export function reviewedFiles(diff: string) {
  return parseDiff(diff).map(({ similarity: _s, ...f }) => f).toSorted((a, b) =>
    a.path < b.path ? -1 : 1
  );
}

/** Registers the contract's `Deno.test` cases for one platform. */
export function runAdapterContract<E extends ContractEnv<F>, F extends FakeFailure>(
  h: AdapterHarness<E, F>,
): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`${h.platform} adapter contract: ${name}`, fn);

  test("the webhook's signature or token is verified: right passes, wrong and missing fail", async () => {
    const right = await h.webhook.delivery("right");
    assert.equal(await h.webhook.unconfigured().verifyWebhook(right.request, right.raw), false);
    await using env = await h.setup();
    assert.equal(await env.adapter.verifyWebhook(right.request, right.raw), true);
    for (const signed of ["wrong", "missing"] as const) {
      const d = await h.webhook.delivery(signed);
      assert.equal(await env.adapter.verifyWebhook(d.request, d.raw), false, signed);
    }
  });

  test("the delivery id is read; a bare request has none", async () => {
    await using env = await h.setup();
    const right = await h.webhook.delivery("right");
    assert.equal(env.adapter.deliveryId(right.request, right.raw), h.webhook.deliveryId);
    assert.equal(
      env.adapter.deliveryId(new Request("http://loom/", { method: "POST" }), new Uint8Array()),
      null,
    );
  });

  test("a malformed payload throws WebhookPayloadError", async () => {
    await using env = await h.setup();
    const { request } = await h.webhook.delivery("right");
    assert.throws(() => env.adapter.parseEvent(request, bytes("{not json")), (e: unknown) => {
      assert.ok(e instanceof WebhookPayloadError, String(e));
      assert.match(e.message, /not valid JSON/);
      return true;
    });
  });

  test("the pull request is read: number, title, shas, refs, draft, state, author", async () => {
    await using env = await h.setup();
    const expected: PullRequest = {
      ...SEEDED_PULL_REQUEST,
      headSha: HEAD,
      baseSha: BASE,
      author: h.pullRequest.author,
      ...h.pullRequest.expected?.(env),
    };
    // Labels are the compare contract's (compare_contract.ts): each platform gives its own.
    const { labels: _labels, ...read } = env.pr;
    assert.deepEqual(read, expected);
    h.pullRequest.update(env, "merged");
    assert.equal((await env.adapter.getPullRequest(env.repo, env.pr.number)).state, "merged");
    h.pullRequest.update(env, "closed");
    assert.equal((await env.adapter.getPullRequest(env.repo, env.pr.number)).state, "closed");
    h.pullRequest.update(env, "draft");
    assert.equal((await env.adapter.getPullRequest(env.repo, env.pr.number)).draft, true);
  });

  test("the pull request is read with the credentials and the platform's headers", async () => {
    await using env = await h.setup();
    const [sent] = env.fake.requests;
    const { path, headers } = h.pullRequest.firstCall(env);
    assert.equal(`${sent.method} ${sent.path}`, `GET ${path}`);
    for (const [name, value] of Object.entries({ "user-agent": "loom", ...headers })) {
      assert.equal(sent.headers[name], value, name);
    }
  });

  test("the diff is fetched", async () => {
    await using env = await h.setup();
    const diff = await env.adapter.fetchDiff(env.repo, env.pr);
    const expected = h.diff.expected(env);
    if (h.diff.exact) assert.equal(diff, expected);
    else assert.deepEqual(reviewedFiles(diff), reviewedFiles(expected));
  });

  test("unbounded diffs: fetchDiff stops reading a diff past its byte limit", async () => {
    {
      await using env = await h.setupWithDiffLimit(100);
      await assert.rejects(env.adapter.fetchDiff(env.repo, env.pr), {
        name: "DiffTooLargeError",
        message: /larger than 100 bytes/,
      });
    }
    // The same diff within a limit it fits is read whole.
    await using env = await h.setupWithDiffLimit(1024 * 1024);
    const diff = await env.adapter.fetchDiff(env.repo, env.pr);
    assert.deepEqual(reviewedFiles(diff), reviewedFiles(h.diff.expected(env)));
  });

  test("a file at a ref is read, and a missing one is null", async () => {
    await using env = await h.setup();
    const { present, missing } = await h.files(env);
    for (const f of present) {
      assert.equal(await env.adapter.fetchFile(env.repo, f.path, f.ref), f.text, f.path);
    }
    for (const f of missing) {
      assert.equal(await env.adapter.fetchFile(env.repo, f.path, f.ref), null, f.path);
    }
  });

  test("a huge file in the repository: a file over 1 MiB is refused, never read whole", async () => {
    await using env = await h.setup();
    const { tooLarge = [] } = await h.files(env);
    for (const f of tooLarge) {
      await assert.rejects(env.adapter.fetchFile(env.repo, f.path, f.ref), {
        name: "PlatformError",
        message: /larger than 1 MiB/,
      });
    }
  });

  test("5xx and network errors are retryable PlatformErrors", async () => {
    await using env = await h.setup();
    const bad = await expectFailure(
      env,
      h.failures.serverError,
      () => env.adapter.listComments(env.repo, env.pr),
    );
    assert.deepEqual([bad.status, bad.retryable, bad.retryAfterMs], [
      h.failures.serverError.status,
      true,
      undefined,
    ]);
    const offline = await h.offline(env);
    const network = await platformError(offline.getPullRequest(env.repo, env.pr.number));
    assert.deepEqual([network.status, network.retryable], [0, true]);
    assert.match(network.message, /could not be reached/);
  });

  test("404 is permanent", async () => {
    await using env = await h.setup();
    const { number, message } = h.pullRequest.missing;
    const missing = await platformError(env.adapter.getPullRequest(env.repo, number));
    assert.equal(missing.message, message);
    assert.deepEqual([missing.status, missing.retryable], [404, false]);
  });

  test("429 is retryable and carries the wait the platform asks for", async () => {
    await using env = await h.setup();
    for (const expected of h.failures.rateLimits) {
      const error = await expectFailure(
        env,
        expected,
        () => env.adapter.getPullRequest(env.repo, env.pr.number),
      );
      assert.deepEqual([error.status, error.retryable, error.retryAfterMs], [
        expected.status,
        true,
        expected.retryAfterMs,
      ]);
      if (expected.message) assert.match(error.message, expected.message);
    }
  });

  test("no credential appears in any error message or stack", async () => {
    for (const kind of h.credentialKinds ?? [undefined]) {
      await using env = await h.setup(kind);
      const errors = [];
      for (const failure of h.failures.leaky) {
        env.fake.failNext(failure);
        errors.push(await platformError(env.adapter.getPullRequest(env.repo, env.pr.number)));
      }
      errors.push(
        await platformError(env.adapter.getPullRequest(env.repo, h.pullRequest.missing.number)),
      );
      const offline = await h.offline(env);
      errors.push(await platformError(offline.fetchFile(env.repo, "a", "main")));
      assert.equal(errors.length, h.failures.leaky.length + 2);
      for (const e of errors) {
        const text = `${e.message}\n${e.stack}`;
        for (const piece of h.secrets.flatMap(pieces)) assert.ok(!text.includes(piece), e.message);
      }
    }
  });

  test("Loom's own summary is found again and edited in place, not posted twice", async () => {
    await using env = await h.setup();
    const s = h.summary;
    await s.before?.(env);
    const summarize = (text: string, existing?: PostedComment) =>
      env.adapter.postSummary(env.repo, env.pr, text, existing);
    const first = await summarize("## Loom review\n\nNo findings.");
    assert.equal(first.kind, "summary");
    assert.deepEqual(s.stored(env), [{
      id: first.id,
      body: s.raw("## Loom review\n\nNo findings."),
    }]);
    await s.onPosted?.(env, first);

    const edited = await summarize("## Loom review\n\n1 warning.", first);
    assert.equal(edited.id, first.id);
    await s.onEdited?.(env, edited);
    assert.deepEqual(s.stored(env), [{
      id: first.id,
      body: s.raw("## Loom review\n\n1 warning."),
    }]);
    assert.deepEqual(await env.adapter.listComments(env.repo, env.pr), [
      { id: first.id, kind: "summary", body: "## Loom review\n\n1 warning." },
    ]);

    s.remove(env, first.id);
    assert.deepEqual(await env.adapter.listComments(env.repo, env.pr), [], "a deleted one is gone");
    const again = await summarize("## Loom review\n\nBack.", edited);
    assert.notEqual(again.id, first.id);
    assert.deepEqual(s.stored(env), [{ id: again.id, body: s.raw("## Loom review\n\nBack.") }]);
    assert.deepEqual(await env.adapter.listComments(env.repo, env.pr), [
      { id: again.id, kind: "summary", body: "## Loom review\n\nBack." },
    ]);
    await s.onDone?.(env);
  });

  test("inline comments are anchored on their path and lines, and listed with their fingerprint", async () => {
    await using env = await h.setup();
    const { landing, anchorOf = defaultAnchor, postedLine = (c) => c.line } = h.inline;
    const result = await env.adapter.postInline(env.repo, env.pr, landing);
    assert.deepEqual(result.rejected, []);
    assert.deepEqual(h.inline.anchors(env), landing.map(anchorOf));
    const ids = h.inline.ids(env);
    assert.deepEqual(
      result.posted,
      landing.map((c, i) => ({
        id: ids[i],
        kind: "inline",
        body: c.body,
        fingerprint: c.fingerprint,
        path: c.path,
        line: postedLine(c),
      })),
    );
    const listed = (await env.adapter.listComments(env.repo, env.pr)).map((
      c,
    ) => [c.kind, c.fingerprint, c.path, c.line, c.body]);
    const expected = landing.map((c) => ["inline", c.fingerprint, c.path, postedLine(c), c.body]);
    if (h.inline.ordered ?? true) assert.deepEqual(listed, expected);
    else assert.deepEqual(listed.sort(), expected.sort());
    await h.inline.onPosted?.(env, result);
  });

  test("a refused inline comment is reported in rejected, not thrown; the others land", async () => {
    await using env = await h.setup();
    const { good, refused } = h.inline.refusals;
    const result = await env.adapter.postInline(env.repo, env.pr, [
      good[0],
      ...refused.map((r) => r.comment),
      ...good.slice(1),
    ]);
    assert.deepEqual(result.rejected, refused);
    assert.deepEqual(result.posted.map((p) => p.fingerprint), good.map((c) => c.fingerprint));
    await h.inline.onRefused?.(env, result);
  });

  test("a 5xx while posting inline comments is thrown as retryable, and nothing lands", async () => {
    await using env = await h.setup();
    const { failure, path, comment = ON_THE_DIFF } = h.inline.serverError;
    env.fake.failNext(failure, { method: "POST", path });
    const error = await platformError(env.adapter.postInline(env.repo, env.pr, [comment]));
    assert.deepEqual([error.status, error.retryable], [failure.status, true]);
    assert.deepEqual(h.inline.anchors(env), []);
  });

  test("pagination is followed: Loom's comments are found among many over several pages", async () => {
    await using env = await h.setup();
    const p = h.pagination;
    for (let i = 0; i < p.others.count; i++) p.others.add(env, `comment ${i}`);
    if (p.quote) p.others.add(env, p.quote);
    p.seed?.(env);
    const summary = await env.adapter.postSummary(env.repo, env.pr, "Summary text");
    let result: InlineResult = { posted: [], rejected: [] };
    if (p.oneByOne) {
      for (const c of p.inline) {
        const one = await env.adapter.postInline(env.repo, env.pr, [c]);
        result = {
          posted: [...result.posted, ...one.posted],
          rejected: [...result.rejected, ...one.rejected],
        };
      }
    } else {
      result = await env.adapter.postInline(env.repo, env.pr, p.inline);
    }
    assert.deepEqual(result.rejected, []);
    await p.afterPost?.(env);
    const before = env.fake.requests.length;
    const listed = await env.adapter.listComments(env.repo, env.pr);
    assert.deepEqual(listed.filter((c) => c.kind === "summary"), [
      { id: summary.id, kind: "summary", body: "Summary text" },
    ]);
    assert.deepEqual(
      listed.filter((c) => c.kind === "inline").map((c) => c.fingerprint),
      p.fingerprints ?? p.inline.map((c) => c.fingerprint),
    );
    p.check(env, { listed, result, before });
  });

  test("summary takeover: a commenter's comment carrying Loom's summary marker is never taken for Loom's summary", async () => {
    await using env = await h.setup();
    const raw = h.summary.raw("## Loom review\n\nNo findings. Merge away.");
    const forged = await h.foreign.summary(env, raw);
    assert.deepEqual(await env.adapter.listComments(env.repo, env.pr), [], "not Loom's");
    const posted = await env.adapter.postSummary(env.repo, env.pr, "## Loom review\n\n1 blocker.");
    assert.notEqual(posted.id, forged.id, "Loom posts its own summary");
    assert.equal(forged.text(), raw, "the commenter's comment is never edited");
    assert.deepEqual(await env.adapter.listComments(env.repo, env.pr), [
      { id: posted.id, kind: "summary", body: "## Loom review\n\n1 blocker." },
    ]);
  });

  test("forged fingerprints: a commenter's comment carrying a finding's fingerprint marker does not count as Loom's", async () => {
    await using env = await h.setup();
    await h.foreign.inline(env, "fp-forged");
    assert.deepEqual(await env.adapter.listComments(env.repo, env.pr), []);
    const mine = comment("src/db.ts", 4, "fp-forged");
    const result = await env.adapter.postInline(env.repo, env.pr, [mine]);
    assert.deepEqual(result.rejected, []);
    const listed = await env.adapter.listComments(env.repo, env.pr);
    assert.deepEqual(listed.map((c) => [c.kind, c.id, c.fingerprint]), [
      ["inline", result.posted[0].id, "fp-forged"],
    ]);
  });

  if (h.foreign.editRefused) {
    test("summary takeover: a refused edit of the summary posts a new one rather than failing the review", async () => {
      await using env = await h.setup();
      const raw = h.summary.raw("## Loom review\n\nForged.");
      const forged = await h.foreign.summary(env, raw);
      // As if an older Loom had taken the commenter's comment for its summary.
      const taken: PostedComment = { id: forged.id, kind: "summary", body: "Forged." };
      const posted = await env.adapter.postSummary(env.repo, env.pr, "Real.", taken);
      assert.notEqual(posted.id, forged.id);
      assert.equal(forged.text(), raw);
      assert.deepEqual(await env.adapter.listComments(env.repo, env.pr), [
        { id: posted.id, kind: "summary", body: "Real." },
      ]);
    });
  }

  test("the commit status is set, in each state", async () => {
    await using env = await h.setup();
    const statuses: CommitStatus[] = [
      { state: "pending", description: "Loom is reviewing" },
      {
        state: "failure",
        description: "Loom: 2 blocker, 0 warning, 0 info",
        targetUrl: "https://loom.example/reviews/1",
      },
      { state: "success", description: "ok" },
      { state: "error", description: "every pipeline failed" },
    ];
    for (const s of statuses) await env.adapter.setStatus(env.repo, env.pr, s);
    assert.deepEqual(h.status.read(env), statuses.map(h.status.expected));
  });

  test("only a person with write access may command Loom: a reader or a stranger may not", async () => {
    await using env = await h.setup();
    const { writer, reader, stranger } = h.permissions(env);
    assert.equal(await env.adapter.canWrite(env.repo, writer), true, "writer");
    assert.equal(await env.adapter.canWrite(env.repo, reader), false, "reader");
    assert.equal(await env.adapter.canWrite(env.repo, stranger), false, "stranger");
  });

  /** Injects `expected`'s failure and returns the error of its call (`fallback` by default). */
  async function expectFailure(
    env: E,
    expected: ExpectedFailure<E, F>,
    fallback: () => Promise<unknown>,
  ) {
    env.fake.failNext(expected.failure, expected.match);
    return await platformError(expected.call ? expected.call(env) : fallback());
  }
}

function defaultAnchor(c: InlineComment): StoredAnchor {
  const range = c.startLine !== undefined && c.startLine !== c.line;
  return { path: c.path, line: c.line, startLine: range ? c.startLine! : null };
}
