/**
 * Runtime flags: `loom serve` runs V8 with a young generation of a fixed size wherever it is
 * started from (the `serve` task, the Dockerfile, the `compile` task's binary), so that a burst of
 * deliveries after a quiet spell does not first fault in the pages V8 gave back (11.7 µs a page
 * on a small VM; 1,100–1,900 faults in `bench:e2e`'s burst of 64 with V8's default, under 200
 * fixed).
 */
import assert from "node:assert/strict";
import { denoTask, dockerCommand, v8Flags } from "./support/serve_permissions.ts";

Deno.test("runtime flags: the serve task fixes V8's young generation, and the Dockerfile and the compile task run V8 the same way", async () => {
  const serve = v8Flags(await denoTask("serve"));
  const semiSpace = (name: string) =>
    serve.join(",").match(new RegExp(`--${name}-semi-space-size=(\\d+)`))?.[1];
  assert.ok(semiSpace("min") !== undefined, serve.join(" "));
  assert.equal(semiSpace("max"), semiSpace("min"), "the same lower and upper bound: no growing");

  assert.deepEqual(v8Flags(await dockerCommand()), serve, "Dockerfile CMD");
  assert.deepEqual(v8Flags(await denoTask("compile")), serve, "compile task");
});
