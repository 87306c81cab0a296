import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import { enqueueJob } from "../../jobs.ts";
import { configYaml, REPO, type ReviewWorld, withReviewWorld } from "./_test_world.ts";
import { type SkipFacts, skipReason } from "./skip_rules.ts";

const NO_RULES = { ignore_authors: [], ignore_titles: [], labels: [], skip_labels: [] };
const facts = (
  pr: Partial<SkipFacts["pr"]> = {},
  triggers: Partial<SkipFacts["triggers"]> = {},
  more: Partial<SkipFacts> = {},
): SkipFacts => ({
  pr: { author: "ana", title: "Add search", description: "", labels: [], ...pr },
  triggers: { ...NO_RULES, ...triggers },
  paused: null,
  authorMayCommand: () => Promise.resolve(true),
  ...more,
});

Deno.test("no rule, no pause: reviewed", async () => {
  assert.equal(await skipReason(facts()), null);
});

Deno.test("ignore_authors: globs and exact logins, case-insensitive; dependabot[bot] is that bot", async () => {
  const rules = { ignore_authors: ["dependabot[bot]", "renovate*", "project_*_bot*"] };
  const reason = (author: string) => skipReason(facts({ author }, rules));
  assert.equal(
    await reason("dependabot[bot]"),
    "author dependabot[bot] matches triggers.ignore_authors",
  );
  assert.equal(
    await reason("Dependabot[bot]"),
    "author Dependabot[bot] matches triggers.ignore_authors",
  );
  assert.match(await reason("renovate[bot]") ?? "", /renovate\[bot\] matches/);
  assert.match(await reason("project_42_bot_7f3a") ?? "", /matches triggers\.ignore_authors/);
  assert.equal(await reason("ana"), null);
  assert.equal(await reason("dependabot"), null);
});

Deno.test("ignore_titles: substrings, case-insensitive", async () => {
  const rules = { ignore_titles: ["WIP", "[skip review]"] };
  assert.equal(
    await skipReason(facts({ title: "wip: search" }, rules)),
    'title contains "WIP" (triggers.ignore_titles)',
  );
  assert.equal(
    await skipReason(facts({ title: "Bump deps [Skip Review]" }, rules)),
    'title contains "[skip review]" (triggers.ignore_titles)',
  );
  assert.equal(
    await skipReason(facts({ title: "Wipe caches" }, { ignore_titles: ["wip:"] })),
    null,
  );
});

Deno.test("labels: review only with one of them; none known on the platform is a skip saying so", async () => {
  const rules = { labels: ["needs-review", "Security"] };
  assert.equal(await skipReason(facts({ labels: ["security"] }, rules)), null);
  assert.equal(
    await skipReason(facts({ labels: ["docs"] }, rules)),
    "no label of triggers.labels (needs-review, Security)",
  );
  assert.equal(
    await skipReason(facts({ labels: undefined }, rules)),
    "triggers.labels is set, but this platform's pull requests have no labels",
  );
});

Deno.test("skip_labels: any of them skips; without labels nothing does", async () => {
  const rules = { skip_labels: ["no-review"] };
  assert.equal(
    await skipReason(facts({ labels: ["bug", "No-Review"] }, rules)),
    "label no-review is in triggers.skip_labels",
  );
  assert.equal(await skipReason(facts({ labels: undefined }, rules)), null);
});

Deno.test("/loom ignore: a line of the description, outside code, from an author who may command Loom", async () => {
  const ignoring = "Refactor.\n\n  /LOOM ignore \r\nThanks";
  let asked = 0;
  const writer = () => {
    asked++;
    return Promise.resolve(true);
  };
  assert.equal(
    await skipReason(facts({ description: ignoring }, {}, { authorMayCommand: writer })),
    "the description says /loom ignore",
  );
  assert.equal(asked, 1);
  const stranger = { authorMayCommand: () => Promise.resolve(false) };
  assert.equal(await skipReason(facts({ description: ignoring }, {}, stranger)), null);
  for (const description of ["please /loom ignore", "```\n/loom ignore\n```", "/loom ignored"]) {
    assert.equal(await skipReason(facts({ description }, {}, { authorMayCommand: writer })), null);
  }
  assert.equal(asked, 1, "the platform is asked only when the line is there");
});

Deno.test("a pause comes first and names who paused, or why Loom did", async () => {
  const byAna = { paused: { at: 1, by: "ana", reason: "/loom pause" } };
  assert.equal(await skipReason(facts({}, {}, byAna)), "paused by ana — /loom resume");
  const auto = {
    paused: { at: 1, by: null, reason: "after 3 reviewed pushes (review.auto_pause_after)" },
  };
  assert.equal(
    await skipReason(facts({ title: "WIP" }, { ignore_titles: ["WIP"] }, auto)),
    "paused after 3 reviewed pushes (review.auto_pause_after) — /loom resume",
  );
});

for (const factory of testStores()) {
  const t = (name: string, body: (w: ReviewWorld) => Promise<void>, config?: string) =>
    Deno.test(`skip rules [${factory.name}]: ${name}`, () =>
      withReviewWorld(factory, body, config));

  /** Runs an automatic review and returns the statuses it set and the review's row. */
  const review = async (w: ReviewWorld, trigger = "opened") => {
    const writes = w.git.writes.length;
    await w.requestReview(undefined, trigger);
    const runs = await w.runJobs();
    assert.ok(runs.every((r) => r.outcome !== "failed"), JSON.stringify(runs));
    const [row] = (await w.reviews.listReviews()).reviews;
    return { writes: w.git.writes.slice(writes), row };
  };

  t(
    "a skip rule skips visibly: a status says skipped and why, nothing else is posted, no model call",
    async (w) => {
      w.git.setPullRequest(REPO, { number: 1, author: "renovate[bot]", labels: ["deps"] });
      const { writes, row } = await review(w);
      assert.deepEqual(writes.map((x) => x.op === "setStatus" && x.status), [{
        state: "success",
        description: "Loom: skipped, author renovate[bot] matches triggers.ignore_authors",
      }]);
      assert.equal(row.status, "skipped");
      assert.equal(row.error, "author renovate[bot] matches triggers.ignore_authors");
      assert.equal(w.model.calls, 0);
    },
    configYaml("triggers: {ignore_authors: ['renovate[bot]'], skip_labels: [deps]}\n"),
  );

  t(
    "each rule of the config skips with its own reason, a command reviews anyway",
    async (w) => {
      const reasonFor = async (pr: Record<string, unknown>) => {
        w.git.setPullRequest(REPO, {
          number: 1,
          author: "ana",
          title: "Add",
          labels: ["x"],
          ...pr,
        });
        const { writes } = await review(w);
        const status = writes.find((x) => x.op === "setStatus");
        return status?.op === "setStatus" ? status.status.description : null;
      };
      assert.equal(
        await reasonFor({ title: "WIP: add" }),
        'Loom: skipped, title contains "WIP" (triggers.ignore_titles)',
      );
      assert.equal(
        await reasonFor({ labels: ["no-review", "x"] }),
        "Loom: skipped, label no-review is in triggers.skip_labels",
      );
      assert.equal(
        await reasonFor({ labels: ["docs"] }),
        "Loom: skipped, no label of triggers.labels (x)",
      );
      assert.equal(
        await reasonFor({ labels: undefined }),
        "Loom: skipped, triggers.labels is set, but this platform's pull requests have no labels",
      );
      assert.equal(
        await reasonFor({ description: "/loom ignore" }),
        "Loom: skipped, the description says /loom ignore",
      );
      assert.equal(w.model.calls, 0);

      // A writer's /loom review is not an automatic review: no rule applies to it.
      const { id } = await enqueueJob(w.queue, "review", "high", {
        repo: REPO,
        pr: 1,
        headSha: "",
        trigger: "command",
        commandBy: { name: "ana" },
      }, { groupKey: `memory:${REPO.fullName}#1` });
      await w.runJobs();
      assert.equal((await w.queue.get(id))?.status, "succeeded");
      assert.equal(w.model.calls, 1);
      assert.equal(w.git.writes.filter((x) => x.op === "postSummary").length, 1);
    },
    configYaml("triggers: {ignore_titles: [WIP], labels: [x], skip_labels: [no-review]}\n"),
  );

  t(
    "/loom ignore from an author without write access is not obeyed: the pull request is reviewed",
    async (w) => {
      w.git.setWriters(["maintainer"]);
      w.git.setPullRequest(REPO, { number: 1, author: "drive-by", description: "/loom ignore" });
      const { writes, row } = await review(w);
      assert.equal(row.status, "succeeded");
      assert.ok(writes.some((x) => x.op === "postSummary"));
      assert.equal(w.model.calls, 1);
    },
  );
}
