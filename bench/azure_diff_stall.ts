/**
 * Azure DevOps diff benchmark: the longest event-loop stall while the Azure DevOps adapter builds
 * the diff of one rewritten 40,000-line file (every line changed) from the fake Azure DevOps, the
 * case that kept jsdiff busy for its whole timeout. A 10 ms timer measures the gaps between its
 * ticks. Prints one JSON line.
 *
 *   deno task bench:azure_diff_stall
 */
import { PLATFORM_SETTINGS, platformsFromSettings } from "../adapters/mod.ts";
import { loadSettings } from "../src/settings/mod.ts";
import { startFakeAzureDevops } from "../tests/fakes/azure_devops/server.ts";
import { watchEventLoop } from "../tests/support/loop_watch.ts";

const lines = (tag: string) =>
  Array.from({ length: 40_000 }, (_, i) => `${tag} line ${i}\n`).join("");
const TOKEN = "bench-pat-0123456789abcdefghijklmnopqrstuvwxyz";
await using azure = await startFakeAzureDevops({ token: TOKEN });
const { id } = azure.addRepository({ project: "Bench", name: "app" });
const [base, head] = ["1".repeat(40), "2".repeat(40)];
azure.addCommit("Bench/app", base, { "big.txt": lines("old") });
azure.addCommit("Bench/app", head, { "big.txt": lines("rewritten") });
azure.setBranch("Bench/app", "main", base);
azure.setBranch("Bench/app", "feature", head);
azure.addPullRequest({ repo: "Bench/app", number: 1, sourceCommit: head, targetCommit: base });
const loaded = loadSettings({
  flags: {},
  env: {
    LOOM_AZURE_DEVOPS_URL: azure.url,
    LOOM_AZURE_DEVOPS_TOKEN: TOKEN,
    LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME: "bench",
    LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD: "bench-password",
  },
  readFile: () => null,
  groups: PLATFORM_SETTINGS,
});
if (!loaded.ok) throw new Error("bench settings invalid");
const adapter = platformsFromSettings(loaded.settings).adapters["azure-devops"];
const repo = { platform: "azure-devops", fullName: "Bench/app", id };
const pr = await adapter.getPullRequest(repo, 1);

const watch = watchEventLoop(10);
const started = performance.now();
const diff = await adapter.fetchDiff(repo, pr);
const ms = performance.now() - started;
const { ticks, longestGapMs: longest } = watch.stop();
console.log(JSON.stringify({
  bench: "azure_diff_stall",
  lines: 40_000,
  diff_ms: Math.round(ms),
  longest_stall_ms: Math.round(longest),
  timer_ticks: ticks,
  diff_kb: Math.round(diff.length / 1024),
}));
