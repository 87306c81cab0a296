/**
 * The HTTP server under every fake platform: a real 127.0.0.1 port that records each request,
 * answers injected failures first, and hands the rest to the platform's own routes.
 *
 * A platform fake supplies what is its own (the path prefix it serves below, its routes, its
 * credentials, the shape of its errors); everything about receiving and recording a request is
 * here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { json, startFakeServer } from "./fake_server.ts";
 *
 * await using server = startFakeServer({
 *   prefix: "/api/v4",
 *   handle: (req) => req.path === "/version" ? json({ version: "18.2" }) : json({}, 404),
 * });
 * server.failNext({ status: 502 }, { method: "GET", path: "/version" });
 * const url = `${server.origin}/api/v4/version`;
 * const failed = await fetch(url);
 * await failed.body?.cancel();
 * assert.equal(failed.status, 502);
 * assert.deepEqual(await (await fetch(url)).json(), { version: "18.2" });
 * assert.deepEqual(server.requests.map((r) => r.path), ["/version", "/version"]);
 * ```
 * @module
 */

import { createFaultPlan, type FaultPlan, isDroppedConnection } from "./faults.ts";

// The answers every fake gives, named here too so the fakes' examples need one import.
export { json, text } from "./answers.ts";

/** One HTTP request as a fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string and without the fake's path prefix, as sent (encoded). */
  path: string;
  query: Record<string, string>;
  /** Header names are lower case. */
  headers: Record<string, string>;
  /** The JSON body, parsed; `undefined` when empty or not JSON. */
  // deno-lint-ignore no-explicit-any
  body: any;
  rawBody: string;
}

/** An answer a fake gives instead of the real one; see {@link FakeServer.failNext}. */
export interface FakeFailure {
  status: number;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Which requests a failure applies to; all when empty. */
export interface FailureMatch {
  /** How many matching requests get the failure; defaults to 1. `Infinity` for all. */
  times?: number;
  method?: string;
  /** The recorded path: equal to a string, or matching a RegExp. */
  path?: string | RegExp;
}

/** Options for {@link startFakeServer}. */
export interface FakeServerOptions<F extends FakeFailure> {
  /** Requests below this path are the fake's (the prefix is cut from the recorded path). */
  prefix?: string;
  /** Answers a request below the prefix that no failure took. */
  handle(req: RecordedRequest, url: URL): Response | Promise<Response>;
  /** Answers a request outside the prefix; a plain-text 404 by default. */
  outside?(req: RecordedRequest): Response;
  /** Whether an injected failure applies to this request beyond its match; always by default. */
  failureApplies?(failure: F, req: RecordedRequest): boolean;
  /** The content type of injected failures unless their headers set one; JSON by default. */
  failureContentType?: string | ((failure: F) => string);
}

/** A running server; see {@link startFakeServer}. `await using` closes it. */
export interface FakeServer<F extends FakeFailure = FakeFailure> extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`, without the prefix. */
  origin: string;
  /** Every request received, in arrival order, those outside the prefix included. */
  requests: RecordedRequest[];
  /** Answers the next matching requests with `failure` instead of the real answer. */
  failNext(failure: F, match?: FailureMatch): void;
  /**
   * The faults applied to requests below the prefix that no `failNext` failure took: status
   * bursts, 429s without `Retry-After`, hangs, dropped connections, holds (`tests/fakes/faults.ts`).
   */
  faults: FaultPlan;
  /** Stops the server; safe to call twice. */
  close(): Promise<void>;
}

/**
 * What every platform fake offers besides its own state: where it is, what it received, failure
 * injection and closing. `await using` closes it.
 */
export interface FakeApi<F extends FakeFailure = FakeFailure>
  extends Omit<FakeServer<F>, "origin"> {
  /** The URL to give Loom: the server's origin and the platform's path prefix, no trailing `/`. */
  url: string;
}

/** The {@link FakeApi} part of a platform fake served by `server` at `url`. */
export function fakeApi<F extends FakeFailure>(server: FakeServer<F>, url: string): FakeApi<F> {
  return {
    url,
    requests: server.requests,
    failNext: server.failNext,
    faults: server.faults,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

/** What {@link matchRoute} matches a request on; a fake's routes add their handler to it. */
export interface FakeRoute {
  method: string;
  pattern: RegExp;
}

/** How a route of {@link serveRoutes} answers: the request, its route's captures, its URL. */
export type RouteHandler = (
  req: RecordedRequest,
  params: string[],
  url: URL,
) => Response | Promise<Response>;

/**
 * A route handler for what the route's captures name (a pull request, a repository): the fake's
 * `notFound()` when `find` finds nothing, else `handle` with what it found.
 */
export function onFound<T>(
  find: (params: string[]) => T | undefined,
  notFound: () => Response,
  handle: (
    req: RecordedRequest,
    found: T,
    params: string[],
    url: URL,
  ) => Response | Promise<Response>,
): RouteHandler {
  return (req, params, url) => {
    const found = find(params);
    return found === undefined ? notFound() : handle(req, found, params, url);
  };
}

/** A route of {@link serveRoutes}; a fake's routes may add what its checks read (auth kind…). */
export interface HandledRoute extends FakeRoute {
  handle: RouteHandler;
}

/** Options for {@link serveRoutes}: a fake server's own parts, with routing in place of `handle`. */
export interface RoutedFakeOptions<R extends HandledRoute, F extends FakeFailure>
  extends Omit<FakeServerOptions<F>, "handle"> {
  routes: readonly R[];
  /** The platform's answer to a request no route matches. */
  notFound(req: RecordedRequest): Response;
  /** Refuses a request before routing (credentials, a missing parameter); `null` admits it. */
  admit?(req: RecordedRequest, url: URL): Response | null;
  /** Refuses a routed request (per-route credentials, body checks); `null` lets it through. */
  check?(
    req: RecordedRequest,
    route: R,
    params: string[],
    url: URL,
  ): Response | null | Promise<Response | null>;
}

/**
 * Starts a fake that answers by its route table: what every platform fake but GitLab's (whose
 * routes sit below a project it resolves first) does with {@link startFakeServer} and
 * {@link matchRoute}, in one place. Its `url` is the origin and the prefix.
 */
export function serveRoutes<R extends HandledRoute, F extends FakeFailure = FakeFailure>(
  options: RoutedFakeOptions<R, F>,
): FakeApi<F> {
  const { routes, notFound, admit, check, ...rest } = options;
  const server = startFakeServer<F>({
    ...rest,
    async handle(req, url) {
      const refused = admit?.(req, url);
      if (refused) return refused;
      const found = matchRoute(routes, req);
      if (!found) return notFound(req);
      const denied = await check?.(req, found.route, found.params, url);
      if (denied) return denied;
      return await found.route.handle(req, found.params, url);
    },
  });
  return fakeApi(server, server.origin + (options.prefix ?? ""));
}

/**
 * Starts a server on a free port of 127.0.0.1. Always `close()` it: an open server fails Deno's
 * resource sanitizer.
 */
export function startFakeServer<F extends FakeFailure = FakeFailure>(
  options: FakeServerOptions<F>,
): FakeServer<F> {
  const prefix = options.prefix ?? "";
  const requests: RecordedRequest[] = [];
  const failures: { failure: F; match: FailureMatch; left: number }[] = [];
  const faults = createFaultPlan();
  const contentType = options.failureContentType ?? "application/json";

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    // A client that went away mid-body (Loom killed, or its call timed out) sent no request.
    const rawBody = await request.text().catch(() => null);
    if (rawBody === null) return new Response(null, { status: 400 });
    const inside = url.pathname.startsWith(prefix + "/");
    const path = inside ? url.pathname.slice(prefix.length) : url.pathname;
    const recorded: RecordedRequest = {
      method: request.method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
      body: parseJson(rawBody),
      rawBody,
    };
    requests.push(recorded);
    if (!inside) {
      return options.outside?.(recorded) ?? new Response("Not Found", { status: 404 });
    }

    const failing = failures.find((f) =>
      f.left > 0 && matches(f.match, recorded) &&
      (options.failureApplies?.(f.failure, recorded) ?? true)
    );
    if (failing) {
      failing.left--;
      const { status, body, headers } = failing.failure;
      const type = typeof contentType === "string" ? contentType : contentType(failing.failure);
      const text = body === undefined || status === 204
        ? null
        : typeof body === "string"
        ? body
        : JSON.stringify(body);
      return new Response(text, { status, headers: { "content-type": type, ...headers } });
    }
    return await faults.apply(recorded, async () => await options.handle(recorded, url));
  };

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    onError(error) {
      // A dropped connection (a fault) errors the answer's body on purpose; anything else is a
      // bug in a fake, which Deno's default would print too.
      if (!isDroppedConnection(error)) console.error(error);
      return new Response(null, { status: 500 });
    },
  }, handler);
  let closed: Promise<void> | null = null;
  const close = () => (closed ??= server.shutdown());
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    requests,
    failNext(failure, match = {}) {
      failures.push({ failure, match, left: match.times ?? 1 });
    },
    faults,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The first route whose method and pattern match the request, with its captures decoded segment
 * by segment (an encoded `/` inside a segment must not split it); `decode: false` leaves them as
 * sent.
 */
export function matchRoute<R extends FakeRoute>(
  routes: readonly R[],
  req: { method: string; path: string },
  options: { decode?: boolean } = {},
): { route: R; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const m = route.pattern.exec(req.path);
    if (!m) continue;
    const params = m.slice(1);
    return {
      route,
      params: options.decode === false
        ? params
        : params.map((p) => p.split("/").map(decodeURIComponent).join("/")),
    };
  }
  return undefined;
}

/** Any failure: for each platform's `…Failure.http`. */
export function httpFailure(
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): FakeFailure {
  return { status, body, headers };
}

function matches(match: FailureMatch, req: RecordedRequest): boolean {
  if (match.method && match.method.toUpperCase() !== req.method) return false;
  if (!match.path) return true;
  return typeof match.path === "string" ? match.path === req.path : match.path.test(req.path);
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
