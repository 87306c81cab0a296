/**
 * Diff limit benchmark: peak RSS while the GitHub adapter fetches a 64 MB pull request diff (one
 * generated file, streamed from memory in 64 KiB chunks) and Loom does what the review job does
 * with a diff it has read: parse it and serialise it for `reviews.inputs`. With
 * `LOOM_MAX_DIFF_BYTES` the adapter stops reading at 5 MiB and none of that happens. Prints one
 * JSON line.
 *
 *   deno task bench:diff_limit
 */
import { PLATFORM_SETTINGS, platformsFromSettings } from "../adapters/mod.ts";
import { parseDiff } from "../src/diff/mod.ts";
import { loadSettings } from "../src/settings/mod.ts";

const DIFF_MB = 64;
const LINE = new TextEncoder().encode("+" + "x".repeat(99) + "\n");
const CHUNK_LINES = 640;

const rssMb = () => Math.round(Deno.memoryUsage().rss / 1_048_576);
let peak = 0;
const sample = setInterval(() => peak = Math.max(peak, rssMb()), 5);

/** The diff as GitHub would stream it: a header, then lines until DIFF_MB are sent. */
function diffStream(): ReadableStream<Uint8Array> {
  const lines = Math.ceil((DIFF_MB * 1_048_576) / LINE.length);
  let sent = 0;
  const chunk = new Uint8Array(LINE.length * CHUNK_LINES);
  for (let i = 0; i < CHUNK_LINES; i++) chunk.set(LINE, i * LINE.length);
  return new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode(
        "diff --git a/gen.sql b/gen.sql\nnew file mode 100644\n--- /dev/null\n+++ b/gen.sql\n" +
          `@@ -0,0 +1,${lines} @@\n`,
      ));
    },
    pull(c) {
      if (sent >= lines) return c.close();
      c.enqueue(chunk.slice());
      sent += CHUNK_LINES;
    },
  });
}

const fakeFetch: typeof fetch = (input) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.pathname.endsWith("/pulls/1")) return Promise.resolve(new Response(diffStream()));
  return Promise.resolve(new Response("not found", { status: 404 }));
};

const loaded = loadSettings({
  flags: {},
  env: {
    LOOM_GITHUB_WEBHOOK_SECRET: "bench-secret",
    LOOM_GITHUB_TOKEN: "bench-token",
    LOOM_GITHUB_API_URL: "https://api.github.test",
  },
  readFile: () => null,
  groups: PLATFORM_SETTINGS,
});
if (!loaded.ok) throw new Error("bench settings invalid");
const github = platformsFromSettings(loaded.settings, { fetch: fakeFetch }).adapters.github;
const repo = { platform: "github", fullName: "octo/app" };
const pr = {
  number: 1,
  title: "generated",
  description: "",
  headSha: "a".repeat(40),
  baseSha: "b".repeat(40),
  headRef: "gen",
  baseRef: "main",
  draft: false,
  state: "open" as const,
  author: "someone",
};

const rssBefore = rssMb();
const started = performance.now();
let outcome: string;
try {
  const diff = await github.fetchDiff(repo, pr);
  const files = parseDiff(diff);
  const stored = JSON.stringify({ diff });
  outcome = `read ${Math.round(diff.length / 1_048_576)} MB, ${files.length} file, stored ` +
    `${Math.round(stored.length / 1_048_576)} MB`;
} catch (error) {
  outcome = error instanceof Error && error.name === "DiffTooLargeError"
    ? "stopped at LOOM_MAX_DIFF_BYTES"
    : `failed: ${error}`;
}
clearInterval(sample);
peak = Math.max(peak, rssMb());
console.log(JSON.stringify({
  bench: "diff_limit",
  diff_mb: DIFF_MB,
  outcome,
  rss_before_mb: rssBefore,
  rss_peak_mb: peak,
  rss_growth_mb: peak - rssBefore,
  ms: Math.round(performance.now() - started),
}));
