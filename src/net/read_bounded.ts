/**
 * Reads a body stream whole, but never more than a limit: a body that passes it is cancelled
 * (nothing more is pulled) and the answer is null. Shared by what Loom receives (webhook bodies
 * sent without a length) and what it fetches (diffs, files), so that no size it reads is unbounded.
 *
 * @example
 * ```ts
 * import { readBoundedStream } from "./read_bounded.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await readBoundedStream(new Response("abc").body!, 3), new Uint8Array([97, 98, 99]));
 * assert.equal(await readBoundedStream(new Response("abcd").body!, 3), null);
 * ```
 * @module
 */

/** The bytes of `stream`, or null (the stream cancelled) once they pass `maxBytes`. */
export async function readBoundedStream(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
