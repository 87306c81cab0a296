import assert from "node:assert/strict";
import { dashboardWorld, seedReview } from "../../tests/support/dashboard.ts";

/** The review ids a Reviews page lists, in order. */
function listedIds(html: string): number[] {
  return [...html.matchAll(/data-review-id="(\d+)"/g)].map((m) => Number(m[1]));
}

Deno.test("reviews page: filters by repository and state, newest first", async () => {
  await using w = await dashboardWorld();
  const a1 = await seedReview(w, { repository: "octo/app", title: "First of app" });
  const b1 = await seedReview(w, { repository: "octo/lib", status: "failed", error: "model down" });
  const a2 = await seedReview(w, { repository: "octo/app", status: "failed", title: "Broke" });
  const user = await w.signIn();

  const all = await (await w.get("/reviews", user)).text();
  assert.deepEqual(listedIds(all), [a2, b1, a1]);
  assert.match(all, /First of app/);

  const app = await (await w.get("/reviews?repository=octo%2Fapp", user)).text();
  assert.deepEqual(listedIds(app), [a2, a1]);
  assert.match(app, /value="octo\/app"/, "the filter is kept in the form");

  const failed = await (await w.get("/reviews?status=failed&repository=octo/app", user)).text();
  assert.deepEqual(listedIds(failed), [a2]);

  const none = await (await w.get("/reviews?platform=gitlab", user)).text();
  assert.deepEqual(listedIds(none), []);
  assert.match(none, /No reviews match\./);

  // A state that does not exist is ignored rather than refused.
  const odd = await w.get("/reviews?status=%3Cscript%3E", user);
  assert.equal(odd.status, 200);
  assert.deepEqual(listedIds(await odd.text()), [a2, b1, a1]);
});

Deno.test("reviews page: pages of 50 follow the keyset cursor to the oldest", async () => {
  await using w = await dashboardWorld();
  const ids: number[] = [];
  for (let i = 0; i < 55; i++) ids.push(await seedReview(w, { pr: i + 1 }));
  const user = await w.signIn();
  const first = await (await w.get("/reviews", user)).text();
  assert.deepEqual(listedIds(first), ids.slice(5).reverse());
  const next = /href="(\/reviews\?cursor=\d+)" rel="next"/.exec(first);
  assert.ok(next, "an Older link");
  const second = await (await w.get(next[1], user)).text();
  assert.deepEqual(listedIds(second), ids.slice(0, 5).reverse());
  assert.doesNotMatch(second, /rel="next"/, "the last page has no Older link");
});
