import assert from "node:assert/strict";
import type { ReviewThread } from "../platform/mod.ts";
import { dismissalOf } from "./dismissal.ts";

const open: ReviewThread = { commentId: "c1", resolved: false, replies: [], reactions: [] };
const anyone = () => Promise.resolve(true);

Deno.test("dismissalOf: the phrases, whole and in any case, and a 👎 in a reply", async () => {
  for (const body of ["won't fix", "WONT FIX.", "Not an issue here", "ok 👎🏽", "won’t fix"]) {
    const thread = { ...open, replies: [{ author: "ana", body }] };
    assert.deepEqual(await dismissalOf(thread, anyone), { by: "ana", how: "reply" }, body);
  }
  for (const body of ["I won't fixate", "not an issuer", "fix it", "this is not an  issue"]) {
    const thread = { ...open, replies: [{ author: "ana", body }] };
    assert.equal(await dismissalOf(thread, anyone), null, body);
  }
});

Deno.test("dismissalOf: a resolved thread, a -1 reaction; Loom's own resolve is no verdict", async () => {
  assert.deepEqual(await dismissalOf({ ...open, resolved: true, resolvedBy: "bo" }, anyone), {
    by: "bo",
    how: "resolved",
  });
  assert.equal(await dismissalOf({ ...open, resolved: true, resolvedBy: "loom" }, anyone), null);
  const reacted = {
    ...open,
    reactions: [{ author: "cy", content: "+1" }, { author: "di", content: "-1" }],
  };
  assert.deepEqual(await dismissalOf(reacted, anyone), { by: "di", how: "reaction" });
  assert.equal(await dismissalOf(open, anyone), null);
});

Deno.test("dismissalOf: a reply or reaction from someone who may not dismiss is ignored", async () => {
  const writers = (name: string) => Promise.resolve(name === "maintainer");
  const thread = {
    ...open,
    replies: [{ author: "drive-by", body: "won't fix" }],
    reactions: [{ author: "drive-by", content: "-1" }],
  };
  assert.equal(await dismissalOf(thread, writers), null);
  const later = {
    ...thread,
    replies: [...thread.replies, { author: "maintainer", body: "Not an issue" }],
  };
  assert.deepEqual(await dismissalOf(later, writers), { by: "maintainer", how: "reply" });
});
