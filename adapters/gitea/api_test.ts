import assert from "node:assert/strict";
import { z } from "zod";
import { createGiteaApi, instanceUrl } from "./api.ts";

const item = z.object({ id: z.number() });
const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ id: from + i }));

/**
 * The ids `list` reads of `path` from a server answering `answer(page)` with `total` in
 * X-Total-Count, and the pages it asked for.
 */
async function listed(path: string, total: number, answer: (page: number) => { id: number }[]) {
  const pages: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const page = Number(new URL(req.url).searchParams.get("page"));
    pages.push(page);
    return Response.json(answer(page), { headers: { "x-total-count": String(total) } });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const all = await createGiteaApi({ url, token: "t", fetch, now: Date.now }).list(
      { path },
      item,
    );
    return { ids: all.map((x) => x.id), pages };
  } finally {
    await server.shutdown();
  }
}

Deno.test("a list Gitea does not paginate (issue comments) is read in one call", async () => {
  // Gitea's ListIssueComments ignores page and limit: everything, with X-Total-Count.
  const { ids: all, pages } = await listed("/repos/o/r/issues/1/comments", 120, () => ids(0, 120));
  assert.equal(all.length, 120);
  assert.deepEqual(pages, [1]);
});

Deno.test("without a Link header, X-Total-Count says whether another page exists", async () => {
  const { ids: all, pages } = await listed(
    "/repos/o/r/pulls/1/reviews",
    110,
    (page) => ids((page - 1) * 50, Math.min(page * 50, 110)),
  );
  assert.deepEqual(all, ids(0, 110).map((x) => x.id));
  assert.deepEqual(pages, [1, 2, 3]);
});

Deno.test("a server that ignores page is not read forever", async () => {
  const { ids: all, pages } = await listed("/repos/o/r/pulls/1/reviews", 500, () => ids(0, 50));
  assert.equal(all.length, 50);
  assert.deepEqual(pages, [1, 2]);
});

Deno.test("the instance URL is taken with or without a trailing slash or /api/v1", () => {
  for (
    const url of [
      "https://h/git",
      "https://h/git/",
      "https://h/git/api/v1",
      " https://h/git/api/v1/ ",
    ]
  ) {
    assert.equal(instanceUrl(url), "https://h/git");
  }
});
