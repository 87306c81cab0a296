/**
 * The dashboard served by `loom serve` at `/`: server-rendered pages behind a signed session.
 * @module
 */
export { type DashboardOptions, dashboardRoutes } from "./routes.tsx";
export type { DashboardDeps, DashboardPage, PageContext } from "./page.ts";
