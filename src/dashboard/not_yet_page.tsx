/**
 * A placeholder for a page that is not built yet, so the nav never leads to a 404.
 * @module
 */
import type { DashboardPage, NavId } from "./page.ts";

/** A page at `path` that says it is not built yet. */
export function notYetPage(path: string, title: string, nav: NavId): DashboardPage {
  return {
    path,
    title,
    nav,
    render: () => Promise.resolve(<p class="notice">This page is not built yet.</p>),
  };
}
