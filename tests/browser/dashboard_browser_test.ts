/**
 * The dashboard in a real browser (Chromium through Playwright) against a real `loom serve` with
 * exactly the serve task's permissions, the fake GitHub and the fake model: sign in, watch a webhook's review appear, open it, retry a dead job and
 * watch it succeed, a wrong token, sign out, no console errors, 1280 px and 390 px wide.
 * Screenshots go to `tests/artifacts/` (or `$LOOM_ARTIFACTS_DIR`); `LOOM_UPDATE_SCREENSHOT=1`
 * also refreshes `docs/dashboard-overview.png` for the README.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { pullRequestEvent } from "../fakes/github/payloads.ts";
import { githubWebhook, startFakeGithub } from "../fakes/github/server.ts";
import { ADMIN_TOKEN, startLoomE2e } from "../support/e2e.ts";
import { denoTask, permissionFlags } from "../support/serve_permissions.ts";
import { reviewer, seedUserSearch, userSearchDiff } from "../support/user_search_scenario.ts";
import { artifactsDir, launchChromium } from "./chromium.ts";

const SECRET = "webhook-s3cret";
const GITHUB_TOKEN = "ghp_t0ken";
const REPO = "octo/app";
/** The shipped serve task's permissions: the dashboard must need nothing more. */
const SERVE_FLAGS = permissionFlags(await denoTask("serve"));

/** Console errors and uncaught exceptions of `page`, but for the 401 a wrong token must get. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const expected = msg.text().includes("401") && msg.location().url.endsWith("/sign-in");
    if (!expected) errors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** Asserts nothing on the page is wider than the window (no sideways scrolling). */
async function assertNoHorizontalOverflow(page: Page, what: string) {
  // A string: it runs in the page, whose DOM types Deno's checker does not have.
  const { scroll, inner } = await page.evaluate<{ scroll: number; inner: number }>(
    "({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })",
  );
  assert.ok(scroll <= inner, `${what}: page is ${scroll} px wide in a ${inner} px window`);
}

Deno.test({
  name:
    "dashboard in Chromium: sign in, live review, open it, retry a dead job, wrong token, sign out",
  // Playwright keeps a pipe to the browser and timers of its own between steps.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const artifacts = await artifactsDir();
    const github = await startFakeGithub({ token: GITHUB_TOKEN });
    const diff = await userSearchDiff();
    await using w = await startLoomE2e({
      platformId: "github",
      model: reviewer(),
      platform(llm) {
        seedUserSearch(github, { repo: REPO, headSha: "a".repeat(40), diff }, llm.url);
        return {
          LOOM_GITHUB_WEBHOOK_SECRET: SECRET,
          LOOM_GITHUB_API_URL: github.url,
          LOOM_GITHUB_TOKEN: GITHUB_TOKEN,
        };
      },
      permissions: (dataDir) => SERVE_FLAGS.map((flag) => flag.replaceAll("$INIT_CWD", dataDir)),
      close: () => github.close(),
    });
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const consoleErrors = watchConsole(page);

      // A wrong token is refused.
      await page.goto(w.url);
      assert.equal(new URL(page.url()).pathname, "/sign-in", "signed out: sent to sign in");
      await page.fill('input[name="token"]', "not-the-admin-token-0000");
      await page.click('button[type="submit"]');
      await page.getByRole("alert").filter({ hasText: "Wrong token." }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/sign-in");
      await page.screenshot({ path: `${artifacts}/sign-in-wrong-token.png` });

      // Sign in.
      await page.fill('input[name="token"]', ADMIN_TOKEN);
      await page.click('button[type="submit"]');
      await page.waitForURL(`${w.url}/`);
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await page.getByText("No reviews yet.").waitFor();
      await page.locator("#live-dot.on").waitFor(); // the live stream is open

      // A webhook's review appears without reloading: the marker set in this page survives.
      await page.evaluate(() => Object.assign(globalThis, { loomMarker: "same page" }));
      const payload = pullRequestEvent({
        action: "opened",
        repo: REPO,
        pr: 1,
        headSha: "a".repeat(40),
      });
      const delivery = await githubWebhook({ secret: SECRET, event: "pull_request", payload });
      assert.equal((await w.postWebhook(delivery)).status, 202);
      await w.reviewsDone(1);
      const row = page.locator("#recent tr[data-review-id]");
      await row.filter({ hasText: "succeeded" }).waitFor({ timeout: 15_000 });
      assert.match(await row.first().innerText(), /octo\/app !1/);
      assert.equal(await page.evaluate(() => Reflect.get(globalThis, "loomMarker")), "same page");
      await assertNoHorizontalOverflow(page, "overview at 1280 px");
      await page.screenshot({ path: `${artifacts}/overview-1280.png`, fullPage: true });
      if (Deno.env.get("LOOM_UPDATE_SCREENSHOT") === "1") {
        await page.screenshot({
          path: new URL("../../docs/dashboard-overview.png", import.meta.url).pathname,
        });
      }

      // Open it: the review's page shows its finding, pipelines and the prompt the model got.
      await row.first().locator("a").first().click();
      await page.waitForURL(/\/reviews\/\d+$/);
      const review = await page.locator("main").innerText();
      assert.match(review, /SQL injection in search/, "the finding");
      assert.match(review, /Pipelines \(2\)/);
      // The transcripts sit folded in <details>: in the page, if not drawn until opened.
      const folded = await page.locator("main").textContent() ?? "";
      assert.match(folded, /Look for SQL injection and secrets\./, "the prompt as sent");
      await assertNoHorizontalOverflow(page, "review at 1280 px");
      await page.screenshot({ path: `${artifacts}/review-1280.png`, fullPage: true });

      // A job made dead (GitHub down for pull request 2 through all its attempts) is retried
      // from the Jobs page, once GitHub is back, and succeeds.
      // The fake matches a failure's path with `.test`: this one answers until GitHub is "back".
      const down = { on: true };
      github.failNext({ status: 502, body: { message: "Server Error" } }, {
        times: Infinity,
        path: { test: (path: string) => down.on && /\/pulls\/2\b/.test(path) } as RegExp,
      });
      github.addPullRequest({
        repo: REPO,
        number: 2,
        title: "Search by email",
        baseRef: "main",
        headRef: "email",
        headSha: "c".repeat(40),
        diff,
      });
      const second = await githubWebhook({
        secret: SECRET,
        event: "pull_request",
        payload: pullRequestEvent({ action: "opened", repo: REPO, pr: 2, headSha: "c".repeat(40) }),
      });
      assert.equal((await w.postWebhook(second)).status, 202);
      await page.click('nav a:has-text("Jobs")');
      await page.waitForURL(`${w.url}/jobs`);
      const dead = page.locator('tr[data-status="dead"]');
      await dead.first().waitFor({ timeout: 30_000 }); // live: no reload needed
      const jobId = await dead.first().getAttribute("data-job-id");
      assert.match(await dead.first().innerText(), /502/, "its error history shows why");
      await page.screenshot({ path: `${artifacts}/jobs-dead-1280.png`, fullPage: true });
      down.on = false;
      await page.click(`button[data-action="retry"][data-job-id="${jobId}"]`);
      await page.waitForURL(`${w.url}/jobs`);
      await page.locator(`tr[data-job-id="${jobId}"][data-status="succeeded"]`).waitFor({
        timeout: 30_000,
      });
      await assertNoHorizontalOverflow(page, "jobs at 1280 px");
      await page.screenshot({ path: `${artifacts}/jobs-retried-1280.png`, fullPage: true });

      // 390 px wide (a phone): both pages fit, the nav wraps.
      await page.setViewportSize({ width: 390, height: 844 });
      for (const path of ["/", "/jobs"]) {
        await page.goto(`${w.url}${path}`);
        await page.locator("#live-dot.on").waitFor();
        await assertNoHorizontalOverflow(page, `${path} at 390 px`);
        await page.screenshot({
          path: `${artifacts}/${path === "/" ? "overview" : "jobs"}-390.png`,
          fullPage: true,
        });
      }

      // Sign out: back to the sign-in form, and the pages are closed again.
      await page.click('button:has-text("Sign out")');
      await page.waitForURL(`${w.url}/sign-in`);
      await page.goto(`${w.url}/jobs`);
      assert.equal(new URL(page.url()).pathname, "/sign-in");

      assert.deepEqual(consoleErrors, [], "no console errors");
      w.assertNoSecretLogged(ADMIN_TOKEN, GITHUB_TOKEN);
    } finally {
      await browser.close();
    }
  },
});
