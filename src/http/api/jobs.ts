/**
 * The admin API's jobs: list with filters and a cursor, show one, retry a dead one, cancel one.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { LANES, type Queue } from "../../queue/mod.ts";
import { jobJson } from "./job_json.ts";
import { listQuery } from "./list_query.ts";

const STATUSES = ["queued", "running", "succeeded", "dead", "cancelled"] as const;

const jobsQuery = z.object({
  status: z.enum(STATUSES).optional(),
  lane: z.enum(LANES as [string, ...string[]]).optional(),
  kind: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.coerce.number().int().positive().optional(),
}).strict();

const jobId = z.coerce.number().int().positive();

/** Routes mounted under `/api/jobs`. */
export function jobsApi(queue: Queue): Hono {
  const app = new Hono();

  app.get("/", async (c) => {
    const { query, refused } = listQuery(c, jobsQuery);
    if (refused) return refused;
    const page = await queue.list(query as Parameters<Queue["list"]>[0]);
    return c.json({ jobs: page.jobs.map(jobJson), next_cursor: page.nextCursor });
  });

  app.get("/:id", async (c) => {
    const id = jobId.safeParse(c.req.param("id"));
    if (!id.success) return c.json({ error: "job id must be a positive integer" }, 400);
    const job = await queue.get(id.data);
    return job ? c.json(jobJson(job)) : c.json({ error: `no job ${id.data}` }, 404);
  });

  for (const action of ["retry", "cancel"] as const) {
    app.post(`/:id/${action}`, async (c) => {
      const id = jobId.safeParse(c.req.param("id"));
      if (!id.success) return c.json({ error: "job id must be a positive integer" }, 400);
      const result = await queue.act(id.data, action, "cancelled through the admin API");
      if (result.done) return c.json(jobJson(result.job));
      // A newer job holding the key is a conflict the operator resolves, not a server error.
      if (result.why === "no job") return c.json({ error: result.message }, 404);
      return c.json({ error: result.message, held_by: result.heldBy }, 409);
    });
  }

  return app;
}
