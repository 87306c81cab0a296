import assert from "node:assert/strict";
import { createLogSink, type LogOutput } from "./log_sink.ts";

/** An output whose writes finish only when the test lets them: a log reader that falls behind. */
function slowReader() {
  const written: string[] = [];
  const waiting: (() => void)[] = [];
  let synced = "";
  const output: LogOutput = {
    write(bytes) {
      const { promise, resolve } = Promise.withResolvers<number>();
      waiting.push(() => {
        written.push(new TextDecoder().decode(bytes));
        resolve(bytes.length);
      });
      return promise;
    },
    writeSync(bytes) {
      synced += new TextDecoder().decode(bytes);
      return bytes.length;
    },
  };
  const letOneWrite = async () => {
    waiting.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { output, written, waiting, letOneWrite, synced: () => synced };
}

Deno.test("log sink: lines written while the reader is behind go out in order, in one write", async () => {
  const reader = slowReader();
  const sink = createLogSink(reader.output);
  sink.write("a");
  sink.write("b");
  sink.write("c");
  // Only the first line's write has started; the caller was not held up by it.
  assert.equal(reader.waiting.length, 1);
  await reader.letOneWrite();
  await reader.letOneWrite();
  await sink.flush();
  assert.deepEqual(reader.written, ["a\n", "b\nc\n"]);
});

Deno.test("log sink: with gatherMs, the lines of a busy moment share one write, started after the window", async () => {
  const reader = slowReader();
  const sink = createLogSink(reader.output, 1024, 20);
  sink.write("request 1");
  await new Promise((r) => setTimeout(r, 5));
  sink.write("request 2");
  // Nothing is written yet: the first line waits for those that follow.
  assert.equal(reader.waiting.length, 0);
  const flushed = sink.flush();
  while (reader.waiting.length === 0) await new Promise((r) => setTimeout(r, 5));
  await reader.letOneWrite();
  await flushed;
  assert.deepEqual(reader.written, ["request 1\nrequest 2\n"]);
});

Deno.test("log sink: flushSync while a write gathers writes the lines once, not again when the window ends", async () => {
  const reader = slowReader();
  const sink = createLogSink(reader.output, 1024, 10);
  sink.write("last words");
  sink.flushSync();
  await sink.flush();
  assert.equal(reader.synced(), "last words\n");
  assert.deepEqual(reader.written, []);
  assert.equal(reader.waiting.length, 0);
});

Deno.test("log sink: a log reader that stops reading cannot exhaust memory: lines past the bound are dropped and counted", async () => {
  const reader = slowReader();
  const sink = createLogSink(reader.output, 100);
  for (let i = 0; i < 50; i++) sink.write(`line ${String(i).padStart(2, "0")}`);
  while (reader.waiting.length > 0) await reader.letOneWrite();
  await sink.flush();
  const lines = reader.written.join("").trimEnd().split("\n");
  // The first line went out at once; the bound (100 bytes) held the next 12 lines of 8 bytes.
  assert.deepEqual(
    lines.slice(0, 13),
    Array.from({ length: 13 }, (_, i) => `line ${String(i).padStart(2, "0")}`),
  );
  const notice = JSON.parse(lines[13]);
  assert.equal(notice.msg, "log lines dropped");
  assert.equal(notice.dropped, 37);
  assert.equal(lines.length, 14);
  // Once caught up, lines are written again.
  sink.write("after");
  await reader.letOneWrite();
  await sink.flush();
  assert.equal(reader.written.at(-1), "after\n");
});

Deno.test("log sink: flushSync writes what is still queued when the process ends", async () => {
  const reader = slowReader();
  const sink = createLogSink(reader.output);
  sink.write("in flight");
  sink.write("queued");
  sink.flushSync();
  assert.equal(reader.synced(), "queued\n");
  await reader.letOneWrite();
  await sink.flush();
  assert.deepEqual(reader.written, ["in flight\n"]);
});

Deno.test("log sink: an output that fails (standard error closed) throws nowhere and the next lines are tried again", async () => {
  let fail = true;
  const written: string[] = [];
  const sink = createLogSink({
    write(bytes) {
      if (fail) return Promise.reject(new Error("Broken pipe"));
      written.push(new TextDecoder().decode(bytes));
      return Promise.resolve(bytes.length);
    },
    writeSync: (bytes) => bytes.length,
  });
  sink.write("lost");
  await sink.flush();
  fail = false;
  sink.write("kept");
  await sink.flush();
  assert.deepEqual(written, ["kept\n"]);
});

Deno.test("log sink: a partial write is finished before the next lines", async () => {
  const written: string[] = [];
  const sink = createLogSink({
    write(bytes) {
      const part = bytes.subarray(0, Math.min(3, bytes.length));
      written.push(new TextDecoder().decode(part));
      return Promise.resolve(part.length);
    },
    writeSync: (bytes) => bytes.length,
  });
  sink.write("abcdefg");
  await sink.flush();
  assert.equal(written.join(""), "abcdefg\n");
});
