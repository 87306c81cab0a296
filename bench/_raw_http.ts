/**
 * A benchmark's HTTP/1.1 client: prebuilt requests written on keep-alive connections, each answer
 * read whole. Deno's `fetch` costs a client more CPU per request than Loom spends answering a
 * webhook, and on a 2-core machine a benchmark using it would time its own client: the senders
 * of `bench:webhook` and `bench:e2e` use this instead.
 *
 * @example
 * ```ts
 * import { exchange, rawRequest } from "./_raw_http.ts";
 * import assert from "node:assert/strict";
 *
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) =>
 *   new Response(`got ${(await req.text()).length}`, { status: 202 }));
 * const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
 * const request = rawRequest("POST", "/hook", `127.0.0.1:${server.addr.port}`, {}, "hello");
 * const buffer = new Uint8Array(65_536);
 * assert.equal(await exchange(conn, request, buffer), 202);
 * assert.equal(await exchange(conn, request, buffer), 202);
 * conn.close();
 * await server.shutdown();
 * ```
 * @module
 */

const encoder = new TextEncoder();

/** The bytes of one HTTP/1.1 request with a `content-length` body. */
export function rawRequest(
  method: string,
  path: string,
  host: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
): Uint8Array {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  head += `content-length: ${bytes.length}\r\n\r\n`;
  const start = encoder.encode(head);
  const request = new Uint8Array(start.length + bytes.length);
  request.set(start);
  request.set(bytes, start.length);
  return request;
}

/**
 * Sends `request` on `conn` and reads its whole answer (a `content-length` one: Loom's are);
 * returns the status. `buffer` is the caller's, reused between exchanges.
 */
export async function exchange(
  conn: Deno.Conn,
  request: Uint8Array,
  buffer: Uint8Array,
): Promise<number> {
  for (let sent = 0; sent < request.length;) sent += await conn.write(request.subarray(sent));
  let text = "";
  const decoder = new TextDecoder();
  while (true) {
    const read = await conn.read(buffer);
    if (read === null) throw new Error("the server closed the connection");
    text += decoder.decode(buffer.subarray(0, read), { stream: true });
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) continue;
    const length = Number(/content-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
    if (text.length >= end + 4 + length) return Number(text.slice(9, 12));
  }
}
