/**
 * How the admin API reads a list's query string: every filter checked by a zod schema, and a
 * query that does not fit answered 400 with what is wrong, field by field.
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";

/** The query of `c` parsed by `schema`, or the 400 response to send instead. */
export function listQuery<T>(
  c: Context,
  schema: z.ZodType<T>,
): { query: T; refused?: never } | { query?: never; refused: Response } {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return { query: parsed.data };
  return {
    refused: c.json({ error: "bad query", issues: z.flattenError(parsed.error).fieldErrors }, 400),
  };
}
