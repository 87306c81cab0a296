import assert from "node:assert/strict";

/** The calling thread's nice value, from the kernel's own record of it. */
const niceOfThisThread = () => {
  const stat = Deno.readTextFileSync("/proc/thread-self/stat");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
};

Deno.test({
  name: "thread priority: a job thread's nice value is lowered, the HTTP thread's is not",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const before = niceOfThisThread();
    const module = new URL("./thread_priority.ts", import.meta.url).href;
    const code = `import { lowerThreadPriority } from ${JSON.stringify(module)};
      const stat = () => { const s = Deno.readTextFileSync("/proc/thread-self/stat");
        return Number(s.slice(s.lastIndexOf(")") + 2).split(" ")[16]); };
      const outcome = lowerThreadPriority(${before + 7});
      self.postMessage({ outcome, nice: stat() });`;
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
    assert.equal(niceOfThisThread(), before);
  },
});
