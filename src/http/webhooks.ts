/**
 * `POST /webhooks/:platform`: verify, parse, hand to intake, answer in milliseconds.
 * Verification fails closed: a platform without a webhook secret has no route.
 * @module
 */
import { type Context, Hono } from "hono";
import type { GitAdapter } from "../platform/mod.ts";
import { WebhookPayloadError } from "../platform/mod.ts";
import { storeUnavailable } from "../db/mod.ts";
import type { Intake } from "../intake.ts";
import { bodyDeliveryId } from "./body_delivery_id.ts";
import { readBody } from "./read_body.ts";
import { logWithRequest } from "./request_log.ts";
import type { StoreOutage } from "./store_outage.ts";

/** What the webhook routes need. */
export interface WebhookDeps {
  intake: Intake;
  /** Every platform Loom knows, configured or not, for clear 404s (the composition root's list). */
  platforms: readonly string[];
  /** Configured adapters by platform; a platform missing here has its webhooks disabled. */
  adapters: Record<string, GitAdapter>;
  /** Why each known but unconfigured platform is disabled, e.g. "set LOOM_GITHUB_WEBHOOK_SECRET". */
  disabled: Record<string, string>;
  maxBodyBytes: number;
}

const unauthorized = (c: Context) => c.json({ error: "signature or token missing or wrong" }, 401);

/** Seconds a platform is asked to wait before redelivering a delivery the store could not take. */
export const STORE_RETRY_AFTER_S = 30;

/**
 * The routes, mounted at `/webhooks`. A delivery the store cannot take now (unreachable, disk
 * full) is answered 503 with `Retry-After`, having kept nothing of it, so the platform
 * redelivers; `outage` logs the outage once rather than per delivery.
 */
export function webhookRoutes(deps: WebhookDeps, outage: StoreOutage): Hono {
  const app = new Hono();
  app.post(
    "/:platform",
    // Before the body is read: a delivery for an unknown platform, or one its headers already
    // condemn, is answered with its body unread.
    async (c, next) => {
      const platform = c.req.param("platform");
      const adapter = deps.adapters[platform];
      if (!adapter) {
        const why = deps.disabled[platform];
        return c.json({
          error: why
            ? `${platform} webhooks are disabled: ${why}`
            : `unknown platform ${platform}; known: ${deps.platforms.join(", ")}`,
        }, 404);
      }
      if (adapter.precheckWebhook && !(await adapter.precheckWebhook(c.req.raw))) {
        return unauthorized(c);
      }
      await next();
    },
    async (c) => {
      const platform = c.req.param("platform");
      const adapter = deps.adapters[platform];
      const raw = await readBody(c.req.raw, deps.maxBodyBytes);
      if (raw === null) {
        return c.json(
          { error: `payload larger than ${deps.maxBodyBytes} bytes (LOOM_MAX_BODY_BYTES)` },
          413,
        );
      }
      if (!(await adapter.verifyWebhook(c.req.raw, raw))) return unauthorized(c);
      let event;
      try {
        event = adapter.parseEvent(c.req.raw, raw);
      } catch (error) {
        if (error instanceof WebhookPayloadError) return c.json({ error: error.message }, 400);
        throw error;
      }
      // Delivery ids are not signed; one missing is made from the body, which is.
      const deliveryId = adapter.deliveryId(c.req.raw, raw) ?? await bodyDeliveryId(raw);
      let result;
      try {
        result = await deps.intake(platform, deliveryId, event);
      } catch (error) {
        const reason = storeUnavailable(error);
        if (reason === null) throw error;
        outage.failed(reason);
        logWithRequest(c, { platform, delivery_id: deliveryId, event: event.type, store: "down" });
        c.header("Retry-After", String(STORE_RETRY_AFTER_S));
        // The reason stays in the log: a database's words (host names, paths) are not the
        // platform's business.
        return c.json({
          error: `Loom cannot store this delivery now; redeliver it in ${STORE_RETRY_AFTER_S} s`,
        }, 503);
      }
      if (result.status === 202) outage.stored();
      logWithRequest(c, {
        platform,
        delivery_id: deliveryId,
        event: event.type,
        status: result.status,
        ...result.body,
      });
      if (result.status === 429) c.header("Retry-After", String(result.retryAfterS));
      return c.json(result.body, result.status);
    },
  );
  return app;
}
