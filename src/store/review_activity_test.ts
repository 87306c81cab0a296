import assert from "node:assert/strict";
import { seedReview } from "../../tests/support/dashboard.ts";
import { testStores, withStores } from "../../tests/stores.ts";

for (const factory of testStores()) {
  Deno.test(`review activity [${factory.name}]: buckets per hour, day and model`, () =>
    withStores(factory, async (w) => {
      const now = Date.UTC(2026, 11, 2, 13, 30);
      const world = { store: w.reviews, clock: { now } };
      await seedReview(world, { at: now - 60_000, model: "big", promptTokens: 100 });
      await seedReview(world, {
        at: now - 60_000,
        status: "failed",
        model: "small",
        promptTokens: 5,
        completionTokens: 5,
      });
      await seedReview(world, { at: now - 23 * 3_600_000, completionTokens: 7, promptTokens: 3 });
      await seedReview(world, { at: now - 30 * 3_600_000, model: "big", promptTokens: 1 });
      await seedReview(world, { at: now - 7 * 86_400_000 }); // before the first day shown

      const activity = await w.reviews.reviewActivity(now);
      assert.equal(activity.hours.length, 24);
      assert.equal(activity.hours[23].start, Date.UTC(2026, 11, 2, 13));
      assert.deepEqual(
        [activity.hours[23].reviews, activity.hours[23].failed],
        [2, 1],
        "this hour: two reviews, one failed",
      );
      assert.equal(activity.hours[0].reviews, 1, "23 hours ago is the first hour");
      assert.equal(activity.hours.reduce((n, h) => n + h.reviews, 0), 3);

      assert.equal(activity.days.length, 7);
      assert.equal(activity.days[6].start, Date.UTC(2026, 11, 2));
      assert.deepEqual(activity.days[6], {
        start: Date.UTC(2026, 11, 2),
        reviews: 2,
        promptTokens: 105,
        completionTokens: 205,
      });
      assert.equal(activity.days[5].reviews, 2, "23 and 30 hours ago are yesterday");
      assert.equal(activity.days.reduce((n, d) => n + d.reviews, 0), 4);
    }));
}
