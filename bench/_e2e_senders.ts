/**
 * The webhook senders of `bench/e2e.ts`, on a Deno Worker of their own: the fakes serving Loom
 * (the fake GitHub, the fake model) run on the bench's main thread, and their work must not
 * delay the clock that times Loom's answers. Sends the opened deliveries with `senders`
 * concurrent senders, reporting when each pull request's was answered, then keeps every sender
 * delivering a comment that asks nothing every `pauseMs` until told to stop; then answers with
 * every answer time. Told to burst (the reviews being under way), the senders deliver the
 * `burst` deliveries together, between their comments, as a second wave of pull requests.
 * @module
 */
import { pullRequestComment } from "../tests/fakes/github/payloads.ts";
import { githubWebhook } from "../tests/fakes/github/server.ts";
import type { Delivery } from "../tests/support/e2e.ts";
import { exchange, rawRequest } from "./_raw_http.ts";

/** The start message. */
export interface SendersStart {
  url: string;
  repo: string;
  secret: string;
  opened: Delivery[];
  /** The deliveries of the burst under load: sent when a `burst` message comes. */
  burst: Delivery[];
  senders: number;
  pauseMs: number;
}

/** What the bench tells the senders once the reviews run: burst, or stop. */
export type SendersCommand = { type: "burst" } | { type: "stop" };

/** What the senders report: an opened delivery answered (epoch ms), or all answer times. */
export type SendersReport =
  | { type: "answered"; pr: number; at: number }
  | {
    type: "done";
    answerMs: number[];
    openedMs: number[];
    burstMs: number[];
    steadyMs: number[];
    refused: number;
  };

const self = globalThis as unknown as {
  onmessage: ((event: MessageEvent<SendersStart | SendersCommand>) => void) | null;
  postMessage(report: SendersReport): void;
};

let stop = false;
// Wakes the senders from their pause: to burst, or to stop.
let wake = Promise.withResolvers<void>();
let bursting = false;
self.onmessage = async ({ data }) => {
  if ("type" in data) {
    if (data.type === "stop") stop = true;
    else bursting = true;
    wake.resolve();
    wake = Promise.withResolvers<void>();
    return;
  }
  const { url, repo, secret, opened, burst, senders, pauseMs } = data;
  const { host, hostname, port } = new URL(url);
  const toBytes = (d: Delivery) => rawRequest("POST", "/webhooks/github", host, d.headers, d.body);
  const answerMs: number[] = [];
  const openedMs: number[] = [];
  const burstMs: number[] = [];
  let refused = 0;
  // Signed before the clock starts, as a platform's deliveries are: every sender's comments for
  // the first ~40 rounds; more are signed when those run out.
  const comment = async (id: number) =>
    toBytes(
      await githubWebhook({
        secret,
        event: "issue_comment",
        payload: pullRequestComment({ repo, pr: 1 + (id % opened.length), body: "Thanks." }),
      }),
    );
  const comments = await Promise.all(Array.from({ length: senders * 40 }, (_, i) => comment(i)));
  const openedBytes = opened.map(toBytes);
  const burstBytes = burst.map(toBytes);
  const burstFirst = opened.length + 1;
  let next = 0;
  let nextBurst = 0;
  let warmed = 0;
  const allWarm = Promise.withResolvers<void>();
  const sender = async (id: number) => {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    const buffer = new Uint8Array(65_536);
    const post = async (request: Uint8Array, times: number[]) => {
      const t = performance.now();
      const status = await exchange(conn, request, buffer);
      times.push(performance.now() - t);
      if (status !== 200 && status !== 202) refused++;
    };
    // The connection is opened, and both sides' code paths warmed, before the burst: the burst
    // then measures Loom at work, not a cold client.
    await post(comments.pop() ?? await comment(id), []);
    if (++warmed === senders) allWarm.resolve();
    await allWarm.promise;
    while (next < opened.length) {
      const pr = ++next;
      await post(openedBytes[pr - 1], openedMs);
      self.postMessage({ type: "answered", pr, at: performance.timeOrigin + performance.now() });
    }
    while (!stop) {
      while (bursting && nextBurst < burstBytes.length) {
        const index = nextBurst++;
        await post(burstBytes[index], burstMs);
        const at = performance.timeOrigin + performance.now();
        self.postMessage({ type: "answered", pr: burstFirst + index, at });
      }
      await post(comments.pop() ?? await comment(id), answerMs);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([new Promise((r) => timer = setTimeout(r, pauseMs)), wake.promise]);
      clearTimeout(timer);
    }
    conn.close();
  };
  await Promise.all(Array.from({ length: senders }, (_, i) => sender(i)));
  self.postMessage({
    type: "done",
    answerMs: [...openedMs, ...burstMs, ...answerMs],
    openedMs,
    burstMs,
    steadyMs: answerMs,
    refused,
  });
};
