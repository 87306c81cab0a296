import assert from "node:assert/strict";
import { PlatformError } from "../../src/platform/mod.ts";
import { fileText, MAX_FILE_BYTES } from "./file_text.ts";

Deno.test("an endless file in a repository is not read past the cap: a permanent 413", async () => {
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new Uint8Array(64 * 1024).fill(97));
    },
  });
  const error = await fileText(new Response(endless)).catch((e) => e);
  assert.ok(error instanceof PlatformError);
  assert.equal(error.status, 413);
  assert.equal(error.retryable, false);
  assert.ok(pulled * 64 * 1024 <= MAX_FILE_BYTES + 2 * 64 * 1024, `pulled ${pulled} chunks`);
});

Deno.test("a file at the cap is read whole", async () => {
  const text = "a".repeat(MAX_FILE_BYTES);
  assert.equal(await fileText(new Response(text)), text);
});
