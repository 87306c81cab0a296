/**
 * The webhook senders of `bench/e2e.ts`, on a Deno Worker of their own: the fakes serving Loom
 * (the fake GitHub, the fake model) run on the bench's main thread, and their work must not
 * delay the clock that times Loom's answers. Sends the opened deliveries with `senders`
 * concurrent senders, reporting when each pull request's was answered, then keeps every sender
 * delivering a comment that asks nothing every `pauseMs` until told to stop; then answers with
 * every answer time.
 * @module
 */
import { pullRequestComment } from "../tests/fakes/github/payloads.ts";
import { githubWebhook } from "../tests/fakes/github/server.ts";
import type { Delivery } from "../tests/support/e2e.ts";

/** The start message. */
export interface SendersStart {
  url: string;
  repo: string;
  secret: string;
  opened: Delivery[];
  senders: number;
  pauseMs: number;
}

/** What the senders report: an opened delivery answered (epoch ms), or all answer times. */
export type SendersReport =
  | { type: "answered"; pr: number; at: number }
  | { type: "done"; answerMs: number[]; openedMs: number[]; refused: number };

const self = globalThis as unknown as {
  onmessage: ((event: MessageEvent<SendersStart | { type: "stop" }>) => void) | null;
  postMessage(report: SendersReport): void;
};

let stop = false;
self.onmessage = async ({ data }) => {
  if ("type" in data) {
    stop = true;
    return;
  }
  const { url, repo, secret, opened, senders, pauseMs } = data;
  const answerMs: number[] = [];
  const openedMs: number[] = [];
  let refused = 0;
  const post = async (delivery: Delivery, times = answerMs) => {
    const t = performance.now();
    const res = await fetch(`${url}/webhooks/github`, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    await res.body?.cancel();
    times.push(performance.now() - t);
    if (res.status !== 200 && res.status !== 202) refused++;
  };
  let next = 0;
  const comment = (id: number) =>
    githubWebhook({
      secret,
      event: "issue_comment",
      payload: pullRequestComment({ repo, pr: 1 + (id % opened.length), body: "Thanks." }),
    });
  // Each sender's connection is opened, and both sides' code paths warmed, before the burst:
  // the burst then measures Loom at work, not a cold client.
  await Promise.all(Array.from({ length: senders }, async (_, i) => post(await comment(i), [])));
  const sender = async (id: number) => {
    while (next < opened.length) {
      const pr = ++next;
      await post(opened[pr - 1], openedMs);
      self.postMessage({ type: "answered", pr, at: performance.timeOrigin + performance.now() });
    }
    while (!stop) {
      await post(await comment(id));
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: senders }, (_, i) => sender(i)));
  self.postMessage({ type: "done", answerMs: [...openedMs, ...answerMs], openedMs, refused });
};
