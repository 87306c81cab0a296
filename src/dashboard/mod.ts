/**
 * The dashboard served by `loom serve` at `/`: server-rendered pages behind a signed session.
 * @module
 */
export { type DashboardOptions, dashboardRoutes } from "./routes.tsx";
export type { DashboardDeps, DashboardPage, PageContext } from "./page.ts";
export { type ServerView, serverView } from "./server_view.ts";
export type { ReviewCost } from "./review_cost.ts";
