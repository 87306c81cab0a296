import assert from "node:assert/strict";
import { z } from "zod";
import { createGiteaApi, instanceUrl } from "./api.ts";

/** A server answering `answer(page)` for each request; records the pages asked for. */
async function withServer(
  answer: (page: number, url: URL) => Response,
  run: (url: string, pages: number[]) => Promise<void>,
) {
  const pages: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    const page = Number(url.searchParams.get("page"));
    pages.push(page);
    return answer(page, url);
  });
  try {
    await run(`http://127.0.0.1:${server.addr.port}`, pages);
  } finally {
    await server.shutdown();
  }
}

const item = z.object({ id: z.number() });
const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ id: from + i }));
const api = (url: string) => createGiteaApi({ url, token: "t", fetch, now: Date.now });

Deno.test("a list Gitea does not paginate (issue comments) is read in one call", async () => {
  // Gitea's ListIssueComments ignores page and limit: everything, with X-Total-Count.
  await withServer(
    () => Response.json(ids(0, 120), { headers: { "x-total-count": "120" } }),
    async (url, pages) => {
      const all = await api(url).list({ path: "/repos/o/r/issues/1/comments" }, item);
      assert.equal(all.length, 120);
      assert.deepEqual(pages, [1]);
    },
  );
});

Deno.test("without a Link header, X-Total-Count says whether another page exists", async () => {
  await withServer(
    (page) =>
      Response.json(ids((page - 1) * 50, Math.min(page * 50, 110)), {
        headers: { "x-total-count": "110" },
      }),
    async (url, pages) => {
      const all = await api(url).list({ path: "/repos/o/r/pulls/1/reviews" }, item);
      assert.deepEqual(all.map((x) => x.id), ids(0, 110).map((x) => x.id));
      assert.deepEqual(pages, [1, 2, 3]);
    },
  );
});

Deno.test("a server that ignores page is not read forever", async () => {
  await withServer(
    () => Response.json(ids(0, 50), { headers: { "x-total-count": "500" } }),
    async (url, pages) => {
      const all = await api(url).list({ path: "/repos/o/r/pulls/1/reviews" }, item);
      assert.equal(all.length, 50);
      assert.deepEqual(pages, [1, 2]);
    },
  );
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
