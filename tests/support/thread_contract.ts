/**
 * The thread contract: what every adapter's `listThreads` and `resolveThread` must do, written
 * once and run by each platform's `threads_test.ts` against its own fake, as
 * `adapter_contract.ts` is for the rest of the port.
 *
 * A platform supplies a {@link ThreadHarness}: how to act on its fake as a person (resolve a
 * thread, reply, react, delete a comment), how to read a thread back from the fake, and how to
 * make the fake fail. The cases post Loom's inline comments through the adapter itself, so what
 * is listed is what Loom really posted.
 * @module
 */

import assert from "node:assert/strict";
import type { ReviewThread } from "../../src/platform/mod.ts";
import type { FakeFailure } from "../fakes/fake_server.ts";
import { comment, platformError } from "./adapter_test_kit.ts";
import type { ContractEnv } from "./adapter_contract.ts";

/** What a platform supplies to run the thread contract; `E` is its environment. */
export interface ThreadHarness<E extends ContractEnv<F>, F extends FakeFailure = FakeFailure> {
  /** Names the cases: `"GitHub"`. */
  platform: string;
  /** Starts the fake with the seeded pull request, and an adapter that talks to it. */
  setup(): Promise<E>;
  /** A person, as the platform names them in `resolvedBy` and a reply's author. */
  person: string;
  /** Acts on the fake as {@link ThreadHarness.person}, on the thread of Loom's comment `id`. */
  act: {
    resolve(env: E, id: string): void | Promise<void>;
    reply(env: E, id: string, body: string): void | Promise<void>;
    /** Where Loom replies in a thread of its own (a note, an answer): to be left out. */
    loomReply(env: E, id: string, body: string): void | Promise<void>;
    /** A 👎 on Loom's comment; absent where the platform has no reactions Loom reads. */
    thumbsDown?(env: E, id: string): void | Promise<void>;
    /** Deletes Loom's comment `id` as a person with the right to would. */
    remove(env: E, id: string): void | Promise<void>;
  };
  /** Seeds, as a commenter, an inline comment on the diff carrying `fingerprint`'s marker. */
  foreignInline(env: E, fingerprint: string): void | Promise<void>;
  /** Whether the fake shows the thread of Loom's comment `id` resolved. */
  resolvedOnFake(env: E, id: string): boolean;
  /**
   * Where the platform cannot resolve a thread (Forgejo): the bodies of Loom's replies the fake
   * holds in the thread of `id`, which must carry the note. Absent where it can.
   */
  cannotResolve?: { replies(env: E, id: string): string[] };
  /** How Loom names itself where it resolved a thread; undefined where the platform does not say. */
  loomName?: string;
  /** The platform never says who resolved a thread (Azure DevOps): `resolvedBy` stays unset. */
  resolverUnknown?: boolean;
  failures: {
    /** A 5xx on the call `listThreads` makes first. */
    serverError: { failure: F; status: number };
    /** A pull request that does not exist. */
    missingPr: number;
  };
}

const FIRST = comment("src/db.ts", 4, "fp-first");
const SECOND = comment("README.md", 1, "fp-second");

/** Registers the thread contract's `Deno.test` cases for one platform. */
export function runThreadContract<E extends ContractEnv<F>, F extends FakeFailure>(
  h: ThreadHarness<E, F>,
): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`${h.platform} thread contract: ${name}`, fn);

  /** The fake with Loom's two findings posted through the adapter; their ids. */
  const posted = async (env: E) => {
    const result = await env.adapter.postInline(env.repo, env.pr, [FIRST, SECOND]);
    assert.deepEqual(result.rejected, []);
    const [first, second] = result.posted.map((p) => p.id);
    return { first, second };
  };
  const byFingerprint = (threads: ReviewThread[]) =>
    Object.fromEntries(threads.map((t) => [t.fingerprint, t]));

  test("the threads of Loom's inline comments are listed, open, with no replies", async () => {
    await using env = await h.setup();
    assert.deepEqual(await env.adapter.listThreads(env.repo, env.pr), [], "none yet");
    const { first, second } = await posted(env);
    await env.adapter.postSummary(env.repo, env.pr, "## Loom review");
    const threads = await env.adapter.listThreads(env.repo, env.pr);
    assert.deepEqual(
      threads.toSorted((a, b) => (a.fingerprint! < b.fingerprint! ? -1 : 1)),
      [
        { commentId: first, fingerprint: "fp-first", resolved: false, replies: [], reactions: [] },
        {
          commentId: second,
          fingerprint: "fp-second",
          resolved: false,
          replies: [],
          reactions: [],
        },
      ],
    );
  });

  test("a person's resolve, reply and reaction are seen; Loom's own reply is not a reply", async () => {
    await using env = await h.setup();
    const { first, second } = await posted(env);
    await h.act.resolve(env, first);
    await h.act.reply(env, second, "won't fix: this is intended");
    await h.act.loomReply(env, second, "Loom here.");
    await h.act.thumbsDown?.(env, second);
    const threads = byFingerprint(await env.adapter.listThreads(env.repo, env.pr));
    assert.equal(threads["fp-first"].resolved, true);
    assert.equal(threads["fp-first"].resolvedBy, h.resolverUnknown ? undefined : h.person);
    assert.equal(threads["fp-second"].resolved, false);
    assert.deepEqual(threads["fp-second"].replies, [
      { author: h.person, body: "won't fix: this is intended" },
    ]);
    assert.deepEqual(
      threads["fp-second"].reactions,
      h.act.thumbsDown ? [{ author: h.person, content: "-1" }] : [],
    );
  });

  test("forged fingerprints: a commenter's comment carrying a Loom marker opens no thread of Loom's", async () => {
    await using env = await h.setup();
    await h.foreignInline(env, "fp-forged");
    const { first } = await posted(env);
    const threads = await env.adapter.listThreads(env.repo, env.pr);
    assert.deepEqual(threads.map((t) => t.fingerprint).sort(), ["fp-first", "fp-second"]);
    assert.ok(threads.some((t) => t.commentId === first));
  });

  if (h.cannotResolve) {
    const { replies } = h.cannotResolve;
    test("a platform that cannot resolve threads gets the note as a reply: replied", async () => {
      await using env = await h.setup();
      const { first } = await posted(env);
      const note = "✅ Fixed in a1b2c3d.";
      assert.equal(await env.adapter.resolveThread(env.repo, env.pr, first, note), "replied");
      assert.equal(replies(env, first).filter((b) => b.includes(note)).length, 1);
      const [thread] = (await env.adapter.listThreads(env.repo, env.pr)).filter((t) =>
        t.commentId === first
      );
      assert.deepEqual(thread.replies, [], "Loom's note is not a person's reply");
      await h.act.remove(env, first);
      assert.equal(await env.adapter.resolveThread(env.repo, env.pr, first, note), "gone");
    });
  } else {
    test("resolveThread resolves the thread on the platform; again it is already_resolved", async () => {
      await using env = await h.setup();
      const { first, second } = await posted(env);
      const note = "✅ Fixed in a1b2c3d.";
      assert.equal(await env.adapter.resolveThread(env.repo, env.pr, first, note), "resolved");
      assert.equal(h.resolvedOnFake(env, first), true, "the fake shows it resolved");
      assert.equal(h.resolvedOnFake(env, second), false, "the other thread stays open");
      const threads = byFingerprint(await env.adapter.listThreads(env.repo, env.pr));
      assert.equal(threads["fp-first"].resolved, true);
      if (h.loomName !== undefined) assert.equal(threads["fp-first"].resolvedBy, h.loomName);
      assert.equal(
        await env.adapter.resolveThread(env.repo, env.pr, first, note),
        "already_resolved",
      );
      await h.act.resolve(env, second);
      assert.equal(
        await env.adapter.resolveThread(env.repo, env.pr, second, note),
        "already_resolved",
        "a person resolved it first",
      );
    });
  }

  test("a deleted comment's thread is gone, and is no longer listed", async () => {
    await using env = await h.setup();
    const { first, second } = await posted(env);
    await h.act.remove(env, first);
    assert.equal(await env.adapter.resolveThread(env.repo, env.pr, first, "fixed"), "gone");
    const threads = await env.adapter.listThreads(env.repo, env.pr);
    assert.deepEqual(threads.map((t) => t.commentId), [second]);
  });

  test("a 5xx is retryable; a missing pull request is a permanent 404", async () => {
    await using env = await h.setup();
    await posted(env);
    const { failure, status } = h.failures.serverError;
    env.fake.failNext(failure);
    const bad = await platformError(env.adapter.listThreads(env.repo, env.pr));
    assert.deepEqual([bad.status, bad.retryable], [status, true]);
    env.fake.failNext(failure);
    const badResolve = await platformError(
      env.adapter.resolveThread(env.repo, env.pr, "1", "fixed"),
    );
    assert.deepEqual([badResolve.status, badResolve.retryable], [status, true]);
    const missing = { ...env.pr, number: h.failures.missingPr };
    for (
      const call of [
        env.adapter.listThreads(env.repo, missing),
        env.adapter.resolveThread(env.repo, missing, "1", "fixed"),
      ]
    ) {
      const error = await platformError(call);
      assert.deepEqual([error.status, error.retryable], [404, false]);
      assert.match(error.message, new RegExp(`${h.failures.missingPr}\\b.*not found`));
    }
  });
}
