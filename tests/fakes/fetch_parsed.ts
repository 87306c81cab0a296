/**
 * Calls a fake the way a client would and keeps the whole answer, for the fakes' own tests.
 * @module
 */

/** An answer: its status and headers, its body as text, and as JSON when it parses. */
export interface ParsedAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; `undefined` when it is not JSON (a diff, a file, an HTML page). */
  // deno-lint-ignore no-explicit-any
  json: any;
}

/** Fetches `url` and reads the whole body, as text and, when it parses, as JSON. */
export async function fetchParsed(url: string, init: RequestInit = {}): Promise<ParsedAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * Calls `url` with `method` the way an API client does: `body`, when given, sent as JSON; the
 * fake's credentials in `headers`. The whole answer, as {@link fetchParsed} reads it.
 */
export function callJson(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ParsedAnswer> {
  return fetchParsed(url, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
