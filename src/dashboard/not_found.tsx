/**
 * A page's own 404: the layout with the page's nav entry lit and what was not found, so a stale
 * link to a pruned review or repository still lands on the dashboard.
 * @module
 */
import { Layout } from "./layout.tsx";
import type { NavId, PageContext } from "./page.ts";

/** A 404 response saying `message`, with a link back to `back`. */
export function notFoundPage(
  ctx: PageContext,
  page: { title: string; nav: NavId; back: { href: string; label: string } },
  message: string,
): Response | Promise<Response> {
  return ctx.c.html(
    <Layout title={page.title} nav={page.nav} user={{ role: ctx.session.role, csrf: ctx.csrf }}>
      <p class="error">{message}</p>
      <p>
        <a href={page.back.href}>{page.back.label}</a>
      </p>
    </Layout>,
    404,
  );
}
