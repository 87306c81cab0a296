/**
 * The admin API's usage: tokens and cost of model calls since a time, by repository, model or
 * day (`GET /api/usage?group_by=model&since=2026-12-01T00:00:00Z`).
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ReviewStore, UsageGroupTotals } from "../../store/mod.ts";
import { listQuery } from "./list_query.ts";

const DAY_MS = 86_400_000;
// A year of days fits; more groups than this are never one page anyone reads.
const MAX_LIMIT = 1000;

const usageQuery = z.object({
  group_by: z.enum(["repository", "model", "day"], {
    error: "must be repository, model or day",
  }),
  /** ISO 8601; default: 30 days ago. */
  since: z.iso.datetime({
    offset: true,
    error: "must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z",
  })
    .or(z.iso.date({ error: "must be an ISO 8601 date or time" })).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
}).strict();

function groupJson(g: UsageGroupTotals) {
  return {
    ...(g.repository === undefined ? {} : { repository: g.repository }),
    ...(g.model === undefined ? {} : { model: g.model }),
    ...(g.day === undefined ? {} : { day: g.day }),
    calls: g.calls,
    tokens: { prompt: g.promptTokens, cached: g.cachedTokens, completion: g.completionTokens },
    // Null when no call of the group had a price: unknown, not free.
    cost_usd: g.costUsd,
    unpriced_calls: g.unpricedCalls,
  };
}

/** Routes mounted under `/api/usage`. */
export function usageApi(store: ReviewStore, now: () => number = Date.now): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const { query, refused } = listQuery(c, usageQuery);
    if (refused) return refused;
    const since = query.since === undefined ? now() - 30 * DAY_MS : Date.parse(query.since);
    const groups = await store.usageTotals({
      groupBy: query.group_by,
      since,
      limit: query.limit ?? (query.group_by === "day" ? 366 : 100),
    });
    return c.json({
      group_by: query.group_by,
      since: new Date(since).toISOString(),
      groups: groups.map(groupJson),
    });
  });
  return app;
}
