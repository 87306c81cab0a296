/**
 * Reading a model server's responses with a byte limit, before the `openai` SDK sees them.
 * @module
 */

/** The default of `LOOM_LLM_MAX_RESPONSE_BYTES`: far above any real answer's few hundred KB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** How much of an error response is read: enough for any server's message, no more. */
export const ERROR_BODY_MAX_BYTES = 16 * 1024;

/** Thrown into the SDK's read of a body that went past its cap. */
export class ResponseTooLarge extends Error {
  override name = "ResponseTooLarge";
  constructor(readonly maxBytes: number) {
    super(`the response is larger than ${maxBytes} bytes`);
  }
}

/** Options of {@link cappedFetch}. */
export interface CappedFetchOptions {
  /** Largest successful body read, counted after decompression. */
  maxBytes: number;
  /** Receives each failed response's body as text, cut at {@link ERROR_BODY_MAX_BYTES}. */
  keepErrorBody(body: string): void;
  /** Called when a body passed `maxBytes`, before the SDK's read of it fails. */
  tooLarge(): void;
}

/**
 * Wraps fetch so that no model response costs more than its cap in memory. fetch inflates
 * `Content-Encoding: gzip` transparently, so 389 KB on the wire can become 466 MB: the bytes
 * are counted as the decompressed stream is read, and past `maxBytes` the stream fails and the
 * connection is cancelled, instead of reading the body whole and measuring it afterwards. A
 * failed response's body is read only up to {@link ERROR_BODY_MAX_BYTES} (the rest cancelled)
 * and handed to `keepErrorBody` and to the SDK as a fresh response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cappedFetch, ResponseTooLarge } from "./capped_fetch.ts";
 *
 * let tooLarge = false;
 * const fetchImpl = cappedFetch(() => Promise.resolve(new Response("x".repeat(2000))), {
 *   maxBytes: 1000,
 *   keepErrorBody: () => {},
 *   tooLarge: () => (tooLarge = true),
 * });
 * const response = await fetchImpl("http://model.test/v1/chat/completions");
 * await assert.rejects(response.text(), ResponseTooLarge);
 * assert.ok(tooLarge);
 * ```
 */
export function cappedFetch(base: typeof fetch, options: CappedFetchOptions): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const head = {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    };
    if (!response.ok) {
      const body = await readPrefix(response.body, ERROR_BODY_MAX_BYTES);
      options.keepErrorBody(body);
      return new Response(body, head);
    }
    if (!response.body) return response;
    return new Response(response.body.pipeThrough(byteLimit(options)), head);
  };
}

function byteLimit(options: CappedFetchOptions): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > options.maxBytes) {
        options.tooLarge();
        // Erroring the stream also cancels the source: the rest is never downloaded.
        controller.error(new ResponseTooLarge(options.maxBytes));
        return;
      }
      controller.enqueue(chunk);
    },
  });
}

/** The body's first `maxBytes` as text; the rest is never read. */
async function readPrefix(body: ReadableStream<Uint8Array> | null, maxBytes: number) {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value.subarray(0, maxBytes - length));
      length += Math.min(value.byteLength, maxBytes - length);
    }
  } catch {
    // A body that breaks off mid-way still says what it said so far.
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
