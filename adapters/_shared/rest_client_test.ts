import assert from "node:assert/strict";
import { z } from "zod";
import { createRestClient, type RestDialect, type RestRequest } from "./rest_client.ts";
import { diffBudget } from "./bounded_body.ts";
import { PlatformError } from "../../src/platform/mod.ts";

const TOKEN = "s3cret-token";

/** A client over a fetch that answers `answer(url, init)` and records every call. */
function harness(
  answer: (url: URL, init: RequestInit) => Response | Promise<Response>,
  dialect: Partial<RestDialect<RestRequest>> = {},
) {
  const calls: { url: string; method: string; headers: Record<string, string> }[] = [];
  const fetchFn = (async (input: URL | RequestInfo, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({
      url: url.href,
      method: init.method ?? "GET",
      headers: { ...init.headers as Record<string, string> },
    });
    return await answer(url, init);
  }) as typeof fetch;
  const api = createRestClient<RestRequest>({
    platform: "Forge",
    credential: "the token",
    base: new URL("https://forge.test/api/v1/"),
    fetch: fetchFn,
    now: () => 0,
    accept: "application/json",
    authorization: () => `token ${TOKEN}`,
    message: (body) => body.trim(),
    ...dialect,
  });
  return { api, calls };
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(() => null, (e) => e);
  assert.ok(error instanceof PlatformError, `expected a PlatformError, got ${error}`);
  assert.doesNotMatch(error.message, new RegExp(TOKEN), "no credential in any message");
  return error;
}

Deno.test("a call goes below the API root with Accept, User-Agent, credentials and every query", async () => {
  const { api, calls } = harness(() => Response.json({ id: 7 }), { query: { v: "2" } });
  const got = await api.json(
    { path: "/repos/o/r", query: { page: 2 } },
    z.object({ id: z.number() }),
  );
  assert.deepEqual(got, { id: 7 });
  await api.send({ method: "POST", path: "repos/o/r/x", accept: "text/plain", body: { a: 1 } });
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [
    ["GET", "https://forge.test/api/v1/repos/o/r?page=2&v=2"],
    ["POST", "https://forge.test/api/v1/repos/o/r/x?v=2"],
  ]);
  assert.deepEqual(calls[1].headers, {
    "Accept": "text/plain",
    "User-Agent": "loom",
    "Authorization": `token ${TOKEN}`,
    "Content-Type": "application/json",
  });
  assert.equal(api.describe({ method: "PATCH", path: "/repos/o/r" }), "PATCH /repos/o/r");
});

Deno.test("a link outside the API root is refused before anything is sent", async () => {
  const { api, calls } = harness(() => Response.json([]));
  for (const path of ["https://elsewhere.test/api/v1/x", "https://forge.test/other/x"]) {
    const error = await failure(api.request({ path }));
    assert.match(error.message, /^Forge sent a link outside the API URL/);
    assert.equal(error.retryable, false);
  }
  assert.deepEqual(calls, []);
});

Deno.test("failures: 5xx and the network retryable, 404 as told, 401 the credentials, 429 a wait", async () => {
  const answers: Record<string, () => Response> = {
    "/api/v1/busy": () => new Response("later", { status: 503, headers: { "retry-after": "7" } }),
    "/api/v1/gone": () => new Response("{}", { status: 404 }),
    "/api/v1/who": () => new Response("bad token", { status: 401 }),
    "/api/v1/slow": () => new Response("", { status: 429 }),
    "/api/v1/nope": () => new Response("no such field", { status: 422 }),
    "/api/v1/expected": () => new Response("no such field", { status: 422 }),
  };
  const { api } = harness((url) => {
    if (url.pathname === "/api/v1/down") throw new TypeError("connection refused");
    return answers[url.pathname]();
  });
  const busy = await failure(api.request({ path: "/busy" }));
  assert.deepEqual([busy.status, busy.retryable, busy.retryAfterMs], [503, true, 7000]);
  assert.equal(busy.message, "Forge GET /busy failed with 503: later");
  const gone = await failure(api.request({ path: "/gone", notFound: "the thing is gone" }));
  assert.deepEqual([gone.status, gone.retryable, gone.message], [404, false, "the thing is gone"]);
  const who = await failure(api.request({ path: "/who" }));
  assert.equal(who.message, "Forge rejected the token (401: bad token) on GET /who");
  const slow = await failure(api.request({ path: "/slow" }));
  assert.deepEqual([slow.retryable, slow.retryAfterMs], [true, undefined]);
  assert.match(slow.message, /^Forge rate limit on GET \/slow/);
  const nope = await failure(api.request({ path: "/nope", method: "POST" }));
  assert.deepEqual([nope.retryable, nope.message], [
    false,
    "Forge POST /nope failed with 422: no such field",
  ]);
  assert.equal((await api.request({ path: "/expected", expect: [422] })).status, 422);
  const down = await failure(api.request({ path: "/down" }));
  assert.deepEqual([down.status, down.retryable], [0, true]);
  assert.equal(down.message, "Forge GET /down could not be reached: connection refused");
});

Deno.test("a body that is not what the schema needs is permanent, naming the call and the field", async () => {
  const { api } = harness(() => Response.json({ id: "seven" }));
  const error = await failure(api.json({ path: "/x" }, z.object({ id: z.number() })));
  assert.equal(error.retryable, false);
  assert.match(error.message, /^Forge GET \/x answered 200 with an unexpected body: id: /);
});

Deno.test("list follows Link to the end, and stops at a page already read", async () => {
  const { api, calls } = harness((url) => {
    const page = Number(url.searchParams.get("page") ?? 1);
    const next = page === 3 ? 1 : page + 1;
    return Response.json([page], {
      headers: { link: `<https://forge.test/api/v1/items?page=${next}>; rel="next"` },
    });
  });
  assert.deepEqual(await api.list({ path: "/items", query: { page: 1 } }, z.number()), [1, 2, 3]);
  assert.equal(calls.length, 3);
});

Deno.test("answered may send again with fresh credentials, and checkBody refuses a non-answer", async () => {
  let token = "old";
  const { api, calls } = harness(
    (_url, init) =>
      (init.headers as Record<string, string>)["Authorization"] === "token old"
        ? new Response("revoked", { status: 401 })
        : new Response("<html>sign in</html>", { headers: { "content-type": "text/html" } }),
    {
      authorization: () => `token ${token}`,
      async answered(res, call) {
        if (res.status !== 401 || call.headers["Authorization"] !== "token old") return res;
        await res.body?.cancel();
        token = "new";
        return await call.resend();
      },
      checkBody(res, what) {
        if (/html/.test(res.headers.get("content-type") ?? "")) {
          throw new PlatformError(`an HTML page on ${what}`, { status: 200, retryable: false });
        }
      },
    },
  );
  const error = await failure(api.json({ path: "/me" }, z.object({})));
  assert.equal(error.message, "an HTML page on GET /me");
  assert.deepEqual(calls.map((c) => c.headers["Authorization"]), ["token old", "token new"]);
});

Deno.test("unbounded diffs: a diff body without end is read only to the budget, then cancelled", async () => {
  let pulled = 0;
  let cancelled = false;
  const { api } = harness(() =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          pulled++;
          c.enqueue(new TextEncoder().encode("+".repeat(64 * 1024)));
        },
        cancel() {
          cancelled = true;
        },
      }),
    )
  );
  await assert.rejects(api.text({ path: "/pulls/1.diff" }, diffBudget(1024 * 1024)), {
    name: "DiffTooLargeError",
    message: /larger than 1048576 bytes/,
  });
  assert.ok(pulled <= 20, `read ${pulled} chunks of 64 KiB for a 1 MiB budget`);
  assert.ok(cancelled, "the stream is cancelled, freeing the connection");

  // The pages of one diff share its budget: each alone fits, together they do not.
  const page = JSON.stringify([{ diff: "x".repeat(600) }]);
  const paged = harness((url) =>
    Response.json(JSON.parse(page), {
      headers: url.searchParams.get("page") ? {} : { link: '</api/v1/diffs?page=2>; rel="next"' },
    })
  );
  const entry = z.object({ diff: z.string() });
  await assert.rejects(paged.api.list({ path: "/diffs" }, entry, diffBudget(1000)), {
    name: "DiffTooLargeError",
  });
  assert.equal((await paged.api.list({ path: "/diffs" }, entry, diffBudget(2000))).length, 2);
});
