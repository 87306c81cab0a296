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
    assert.deepEqual(answer.outcome, { lowered: true, nice: before + 7 });
    assert.equal(answer.nice, before + 7);
    assert.equal(niceOf(), before);
  },
});
