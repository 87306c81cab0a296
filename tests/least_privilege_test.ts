/**
 * Least privilege: `loom serve` runs with the Deno permissions it needs (network, environment,
 * reading its code and config, writing its data and temp directories, the libSQL addon, `git`
 * for the CLI), never `-A`, wherever it is started from; and with exactly those it reviews a
 * pull request end to end.
 */
import assert from "node:assert/strict";
import { githubWebhook, startFakeGithub } from "./fakes/github/server.ts";
import { pullRequestEvent } from "./fakes/github/payloads.ts";
import { startLoomE2e } from "./support/e2e.ts";
import { denoTask, dockerCommand, permissionFlags } from "./support/serve_permissions.ts";
import { reviewer, seedUserSearch, userSearchDiff } from "./support/user_search_scenario.ts";

const ROOT = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));
const ALL = ["-A", "--allow-all"];

/** Flags without their write scope, which differs by where the data lives. */
const withoutWrite = (flags: string[]) => flags.filter((f) => !f.startsWith("--allow-write"));
const writeScope = (flags: string[]) =>
  flags.find((f) => f.startsWith("--allow-write="))?.slice("--allow-write=".length).split(",");

Deno.test("least privilege: the serve task grants only the permissions Loom needs, never -A", async () => {
  const flags = permissionFlags(await denoTask("serve"));
  assert.ok(flags.length > 0, "the serve task names its permissions");
  assert.ok(!flags.some((f) => ALL.includes(f)), flags.join(" "));
  // Network and environment (platforms, models, settings); reading code, prompts, config and key
  // files; writing only its data directory and the temp directory; git, and nothing else, to run.
  for (const needed of ["--allow-net", "--allow-env", "--allow-read", "--allow-run=git"]) {
    assert.ok(flags.includes(needed), `${needed} in ${flags.join(" ")}`);
  }
  assert.deepEqual(writeScope(flags), ["$INIT_CWD", "/tmp"]);
  assert.ok(!flags.includes("--allow-write") && !flags.includes("--allow-run"));
});

Deno.test("least privilege: the Dockerfile and the compile task (the systemd unit's binary) grant what the serve task grants", async () => {
  const serve = permissionFlags(await denoTask("serve"));
  const docker = permissionFlags(await dockerCommand());
  assert.deepEqual(withoutWrite(docker), withoutWrite(serve), "Dockerfile CMD");
  assert.deepEqual(writeScope(docker), ["/data", "/tmp"], "the image's data volume and /tmp");

  const compile = permissionFlags(await denoTask("compile"));
  assert.deepEqual(withoutWrite(compile), withoutWrite(serve), "compile task");
  const unit = await read("deploy/loom.service");
  assert.match(unit, /^StateDirectory=loom$/m);
  assert.deepEqual(writeScope(compile), ["/var/lib/loom", "/tmp"], "the unit's state dir and /tmp");
  assert.doesNotMatch(unit, /^ExecStart=.*(\s-A\b|--allow-all)/m);
});

Deno.test("least privilege: loom serve with exactly the serve task's permissions reviews a pull request end to end", async () => {
  const github = await startFakeGithub({ token: "ghp_least_privilege" });
  const headSha = "c".repeat(40);
  let permissions: string[] = [];
  await using w = await startLoomE2e({
    platformId: "github",
    model: reviewer(),
    async platform(llm) {
      github.addRepo("octo/app");
      seedUserSearch(github, { repo: "octo/app", headSha, diff: await userSearchDiff() }, llm.url);
      return {
        LOOM_GITHUB_WEBHOOK_SECRET: "least-privilege-secret",
        LOOM_GITHUB_API_URL: github.url,
        LOOM_GITHUB_TOKEN: "ghp_least_privilege",
      };
    },
    permissions: (dataDir) => {
      // Resolved before the spawn: the test reads deno.json with its own permissions.
      permissions = permissionsFor(dataDir);
      return permissions;
    },
    close: () => github.close(),
  });
  assert.ok(permissions.length > 0 && !permissions.some((f) => ALL.includes(f)));
  const opened = pullRequestEvent({ action: "opened", repo: "octo/app", pr: 1, headSha });
  const delivery = await githubWebhook({
    secret: "least-privilege-secret",
    event: "pull_request",
    payload: opened,
  });
  assert.equal((await w.postWebhook(delivery)).status, 202);
  await w.reviewsDone(1);
  const { reviews } = await w.api("/reviews");
  assert.deepEqual(reviews.map((r: { status: string }) => r.status), ["succeeded"], w.loom.log());
  assert.equal(github.comments("octo/app", 1).length, 1, "the summary");
  assert.equal(github.reviewComments("octo/app", 1).length, 2, "the inline comments");
  assert.deepEqual(github.statuses("octo/app", headSha).map((s) => s.state), [
    "pending",
    "failure",
  ]);
  assert.doesNotMatch(w.loom.log(), /NotCapable|Requires \w+ access/);
});

// Read once at load, so the spawn's callback stays synchronous.
const SERVE_FLAGS = permissionFlags(await denoTask("serve"));
function permissionsFor(dataDir: string): string[] {
  return SERVE_FLAGS.map((flag) => flag.replaceAll("$INIT_CWD", dataDir));
}
