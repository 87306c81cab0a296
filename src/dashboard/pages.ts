/**
 * Every page of the dashboard, in one list: adding a page is one entry here (see `page.ts`).
 * @module
 */
import { configCheckPage } from "./config_check_page.tsx";
import { jobsPage } from "./jobs_page.tsx";
import { overviewPage } from "./overview_page.tsx";
import type { DashboardPage } from "./page.ts";
import { repositoriesPage, repositoryPage } from "./repositories_page.tsx";
import { reviewPage } from "./review_page.tsx";
import { reviewsPage } from "./reviews_page.tsx";
import { settingsPage } from "./settings_page.tsx";

/** The pages `dashboardRoutes` serves. */
export const PAGES: readonly DashboardPage[] = [
  overviewPage,
  jobsPage,
  reviewsPage,
  reviewPage,
  repositoriesPage,
  repositoryPage,
  settingsPage,
  configCheckPage,
];
