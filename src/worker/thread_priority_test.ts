import assert from "node:assert/strict";
import { niceOf } from "../../tests/support/thread_nice.ts";

Deno.test({
  name: "thread priority: a job thread's nice value is lowered, the HTTP thread's is not",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const before = niceOf();
    const priority = new URL("./thread_priority.ts", import.meta.url).href;
    const nice = new URL("../../tests/support/thread_nice.ts", import.meta.url).href;
    const code = `import { lowerThreadPriority } from ${JSON.stringify(priority)};
      import { niceOf } from ${JSON.stringify(nice)};
      const outcome = lowerThreadPriority(${before + 7});
      self.postMessage({ outcome, nice: niceOf() });`;
    const worker = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })), {
      type: "module",
    });
    const answer = await new Promise<{ outcome: unknown; nice: number }>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
    });
    worker.terminate();
    assert.deepEqual(answer.outcome, { lowered: true, nice: before + 7, threads: 1 });
    assert.equal(answer.nice, before + 7);
    assert.equal(niceOf(), before);
  },
});

Deno.test({
  name: "thread priority: V8's helper threads are lowered, the thread asking is not",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // In a process of its own: a process never raises a thread's priority back.
    const priority = new URL("./thread_priority.ts", import.meta.url).href;
    const nice = new URL("../../tests/support/thread_nice.ts", import.meta.url).href;
    const code = `import { lowerV8HelperThreads } from ${JSON.stringify(priority)};
      import { niceOf } from ${JSON.stringify(nice)};
      const before = niceOf();
      const outcome = lowerV8HelperThreads(before + 6);
      const helpers = [];
      for (const task of Deno.readDirSync("/proc/self/task")) {
        const comm = Deno.readTextFileSync(\`/proc/self/task/\${task.name}/comm\`).trim();
        if (comm === "V8 DefaultWorke") helpers.push(niceOf(\`/proc/self/task/\${task.name}/stat\`));
      }
      console.log(JSON.stringify({ before, outcome, helpers, self: niceOf() }));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--ext=ts", code],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.ok(out.success);
    const answer = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.ok(answer.helpers.length > 0, "a Deno process has V8 helper threads");
    assert.deepEqual(answer.outcome, {
      lowered: true,
      nice: answer.before + 6,
      threads: answer.helpers.length,
    });
    assert.deepEqual(answer.helpers, answer.helpers.map(() => answer.before + 6));
    assert.equal(answer.self, answer.before);
  },
});
