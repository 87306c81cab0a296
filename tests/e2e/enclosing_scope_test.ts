/**
 * `review.context: scope` end to end: a real `loom serve`, the fake GitHub holding the file at
 * the pull request's head, and the fake model, which is shown the line opening the method the
 * change sits in, with its number, and answers a finding on the changed line.
 */
import assert from "node:assert/strict";
import { pullRequestEvent } from "../fakes/github/payloads.ts";
import { githubWebhook, startFakeGithub } from "../fakes/github/server.ts";
import { answer, type RecordedRequest } from "../fakes/llm/server.ts";
import { makeRepo } from "../git_repo.ts";
import { startLoomE2e } from "../support/e2e.ts";
import { reviewCalls, USER_SEARCH_PR } from "../support/user_search_scenario.ts";

const SECRET = "webhook-secret-for-tests";
const TOKEN = "ghp_test_token_never_logged";
const REPO = "octo/app";

// `load` opens on line 3; the change is on line 10, far below git's three lines of context.
const BASE = "// Rows of the store.\n" +
  "export class Store {\n" +
  "  load(ids) {\n" +
  "    const seen = new Set();\n" +
  "    const out = [];\n" +
  "    for (const id of ids) {\n" +
  "      if (seen.has(id)) continue;\n" +
  "      seen.add(id);\n" +
  "      out.push(id);\n" +
  "    }\n" +
  "    return out[0];\n" +
  "  }\n" +
  "}\n";
const HEAD = BASE.replace("    return out[0];\n", "    return out[out.length];\n");

async function storeChange(): Promise<string> {
  const repo = await makeRepo();
  try {
    await repo.write("src/store.js", BASE);
    await repo.commit("base");
    await repo.git("checkout", "-q", "-b", "feature");
    await repo.write("src/store.js", HEAD);
    await repo.commit("Return the last row");
    return await repo.git("diff", "main...feature");
  } finally {
    await repo.cleanup();
  }
}

function userPrompt(req: RecordedRequest): string {
  // deno-lint-ignore no-explicit-any
  return req.body.messages.map((m: any) => m.content).join("\n");
}

Deno.test("review.context scope: the model is shown the enclosing method's line with its number, read at the head", async () => {
  const github = await startFakeGithub({ token: TOKEN });
  const headSha = "c".repeat(40);
  await using w = await startLoomE2e({
    platformId: "github",
    model: (req) =>
      answer.json({
        findings: userPrompt(req).includes(" 3     load(ids) {\n")
          ? [{
            path: "src/store.js",
            line: 11,
            code: "    return out[out.length];",
            title: "Off by one",
            body: "`out[out.length]` is always undefined.",
          }]
          : [],
      }),
    async platform(llm) {
      github.addRepo(REPO, { installationId: 4242 });
      github.addPullRequest({ repo: REPO, headSha, diff: await storeChange(), ...USER_SEARCH_PR });
      github.setFile(
        REPO,
        "main",
        ".loom/config.yaml",
        `models:\n  default: {base_url: ${llm.url}, api_key_env: LOOM_LLM_API_KEY, model: fake-model}\n` +
          "pipelines:\n  - {name: quality, prompt_file: builtin:quality, severity: warning}\n",
      );
      // Only the head has the changed file: context must come from the reviewed side.
      github.setFile(REPO, headSha, "src/store.js", HEAD);
      return {
        LOOM_GITHUB_WEBHOOK_SECRET: SECRET,
        LOOM_GITHUB_API_URL: github.url,
        LOOM_GITHUB_TOKEN: TOKEN,
      };
    },
    close: () => github.close(),
  });
  const payload = pullRequestEvent({ action: "opened", repo: REPO, pr: 1, headSha });
  const delivery = await githubWebhook({ secret: SECRET, event: "pull_request", payload });
  assert.equal((await w.postWebhook(delivery)).status, 202);
  await w.reviewsDone(1);

  const [call] = reviewCalls(w.llm.chats());
  const prompt = userPrompt(call);
  assert.ok(
    prompt.includes(
      " 2   export class Store {\n 3     load(ids) {\n   ⋮\n 8         seen.add(id);\n",
    ),
    prompt,
  );
  assert.ok(prompt.includes("11 +     return out[out.length];\n"));
  // The finding the model made knowing the method landed inline, on the changed line.
  const inline = github.reviewComments(REPO, 1);
  assert.equal(inline.length, 1, w.loom.log());
  assert.equal(inline[0].line, 11);
  assert.match(inline[0].body, /Off by one/);
});
