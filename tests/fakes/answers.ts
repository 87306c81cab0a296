/**
 * The plain answers every fake platform gives (a JSON body, a text body, no body); what is a
 * platform's own (its error envelopes, its headers) stays in its fake.
 * @module
 */

/** A JSON response. */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}) {
  return Response.json(value, { status, headers });
}

/** A text response (a diff, a file, a plain-text error) of the given content type. */
export function text(body: string, contentType = "text/plain; charset=utf-8", status = 200) {
  return new Response(body, { status, headers: { "content-type": contentType } });
}

/** A 204 without a body, as a platform answers a deletion. */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}
