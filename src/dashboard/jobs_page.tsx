/**
 * The Jobs page: the queue's jobs filtered by kind, lane and status, with retry and cancel.
 * @module
 */
import type { DashboardPage } from "./page.ts";

/** `/jobs`. */
export const jobsPage: DashboardPage = {
  path: "/jobs",
  title: "Jobs",
  nav: "jobs",
  render: () => Promise.resolve(<p class="notice">Jobs are coming.</p>),
};
