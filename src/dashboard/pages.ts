/**
 * Every page of the dashboard, in one list: adding a page is one entry here (see `page.ts`).
 * @module
 */
import { jobsPage } from "./jobs_page.tsx";
import { notYetPage } from "./not_yet_page.tsx";
import { overviewPage } from "./overview_page.tsx";
import type { DashboardPage } from "./page.ts";

/** The pages `dashboardRoutes` serves. */
export const PAGES: readonly DashboardPage[] = [
  overviewPage,
  jobsPage,
  notYetPage("/reviews", "Reviews", "reviews"),
  notYetPage("/repositories", "Repositories", "repositories"),
  notYetPage("/settings", "Settings", "settings"),
  notYetPage("/config-check", "Config check", "config"),
];
