/**
 * `loom serve` exactly as shipped, plus job kinds whose side effects tests can count:
 * `effect` sleeps `payload.ms`, then appends "JOB_ID WORKER_PID" to `payload.file`.
 * Tests run this as a child process to kill it, stop it, or run two of them.
 * @module
 */
import { processIo } from "../../src/cli/io.ts";
import { serveCommand } from "../../src/cli/serve.ts";
import type { JobHandler } from "../../src/worker/pool.ts";

const effect: JobHandler = async (job, { signal }) => {
  const { ms, file } = job.payload as { ms: number; file: string };
  if (ms > 0) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)));
    });
  }
  await Deno.writeTextFile(file, `${job.id} ${Deno.pid}\n`, { append: true });
};

// Takes the same arguments as main.ts (`serve --port …`) so tests spawn either the same way.
const [command, ...args] = Deno.args;
if (command !== "serve") throw new Error("usage: serve_with_test_jobs.ts serve [flags]");
Deno.exit(await serveCommand(args, processIo(), { effect }));
