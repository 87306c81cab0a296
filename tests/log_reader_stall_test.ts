import assert from "node:assert/strict";
import { freshSqliteUrl } from "./stores.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

Deno.test("loom serve: a log reader that stops reading standard error does not stop Loom answering, and no line is lost", async () => {
  const db = await freshSqliteUrl();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--port", "0", "--host", "127.0.0.1", "--db", db.url],
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "", NO_COLOR: "1" },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.getReader();
  const decoder = new TextDecoder();
  let log = "";
  let port: string | undefined;
  while (port === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`loom exited before listening:\n${log}`);
    log += decoder.decode(value, { stream: true });
    port = /"msg":"listening","host":"[^"]*","port":(\d+)/.exec(log)?.[1];
  }
  try {
    // The reader now stalls (as a stuck journald or a paused `docker logs` pipe does), while
    // requests write far more log than a pipe holds (64 KiB): a blocking write would hang them.
    const requests = 1_500;
    for (let i = 0; i < requests; i++) {
      const res: Response = await fetch(`http://127.0.0.1:${port}/health`, {
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    // Reading again, every request's line arrives.
    const deadline = Date.now() + 15_000;
    const count = () => log.match(/"msg":"request",[^\n]*"path":"\/health"/g)?.length ?? 0;
    while (count() < requests && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      log += decoder.decode(value, { stream: true });
    }
    assert.equal(count(), requests);
  } finally {
    child.kill("SIGTERM");
    // Drain what is left so the child can exit, then wait for it.
    (async () => {
      while (!(await reader.read()).done) { /* discard */ }
    })();
    assert.equal((await child.status).code, 0);
    await db.dispose();
  }
});
