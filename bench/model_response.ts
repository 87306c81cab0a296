/**
 * Model response benchmark: one call against a fake model answering with a gzip bomb (a chat
 * completion of `--mib` MiB of spaces, sent with `Content-Encoding: gzip`), which fetch inflates
 * as it is read. Prints one JSON line: the bytes on the wire, the inflated size, how the call
 * ended, and the process's resident memory before the call and at its peak (`VmHWM`, Linux).
 *
 *   deno task bench:model_response [--mib 256]
 */
import { parseArgs } from "node:util";
import { askForFindings, LlmError } from "../src/llm/mod.ts";
import { answer, startFakeLlm } from "../tests/fakes/llm/server.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { mib: { type: "string", default: "256" } },
});
const inflated = Number(values.mib) * 1024 * 1024;

const llm = await startFakeLlm();
try {
  const bomb = answer.gzipBomb(inflated);
  llm.setDefault(bomb);
  // Compress once before measuring: the fake's own work is not the client's memory.
  const wire = (await bomb()).body as Uint8Array;
  const before = mib(Deno.memoryUsage().rss);
  let outcome = "answered";
  try {
    await askForFindings({
      model: {
        name: "bomb",
        baseUrl: llm.url,
        model: "m",
        temperature: 0,
        maxTokens: 100,
        timeoutS: 120,
        structuredOutput: "none",
      },
      messages: [{ role: "user", content: "Review: …" }],
    });
  } catch (error) {
    outcome = error instanceof LlmError ? error.kind : String(error);
  }
  console.log(JSON.stringify({
    bench: "model_response",
    wire_bytes: wire.byteLength,
    inflated_bytes: inflated,
    outcome,
    calls: llm.chats().length,
    rss_before_mib: before,
    peak_rss_mib: peakRssMib(),
  }));
} finally {
  await llm.close();
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

/** The process's peak resident set size so far, from /proc (Linux). */
function peakRssMib(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}
