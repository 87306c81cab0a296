/**
 * Gives every request an id (`X-Request-Id`, kept when a proxy set a sane one) and records it in
 * one structured log line and in the HTTP metrics, labelled by route pattern so ids in paths do
 * not explode the metric's cardinality.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";
import type { Logger } from "../log.ts";
import type { Metrics } from "./metrics.ts";

/**
 * Adds `fields` to the request's one log line, so a handler's outcome (a webhook's delivery id
 * and job) is recorded with the request instead of in a second line.
 */
export function logWithRequest(c: Context, fields: Record<string, unknown>): void {
  c.set("logFields", { ...c.get("logFields"), ...fields });
}

declare module "hono" {
  interface ContextVariableMap {
    /** Extra fields for the request's log line; see {@link logWithRequest}. */
    logFields?: Record<string, unknown>;
  }
}

/** The request id middleware, then the log-and-measure one. */
export function requestLog(log: Logger, metrics: Metrics): MiddlewareHandler[] {
  const measure: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath === "/*" ? "unmatched" : c.req.routePath;
    metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    const fields = {
      request_id: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      route,
      status: c.res.status,
      duration_ms: Math.round(seconds * 100_000) / 100,
      ...c.get("logFields"),
    };
    if (c.res.status >= 500) log.warn("request", fields);
    else log.info("request", fields);
  };
  return [requestId(), measure];
}
