/**
 * `loom eval` end to end: the real CLI entry, a set on disk, the fake model over HTTP.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { main } from "../../main.ts";
import { loadEvalSet } from "../eval/mod.ts";
import { answer, type RecordedRequest, startFakeLlm } from "../../tests/fakes/llm/server.ts";

// No second look: these tests count the review calls and score the findings the fake gives.
const CONFIG = (url: string) =>
  `models:
  default: {base_url: ${url}, model: fake-model, structured_output: json_object}
pipelines:
  - {name: security, prompt_file: builtin:security, severity: blocker, verify: false}
`;

const diffOf = (path: string) => `--- a/${path}\n+++ b/${path}\n@@ -1,2 +1,4 @@\n a\n b\n+c\n+d\n`;
const caseYaml = (path: string, expected: string) =>
  `language: go\nkind: k\ndiff: |\n${
    diffOf(path).split("\n").map((l) => l && `  ${l}`).join("\n")
  }expected: ${expected}\n`;

function promptOf(req: RecordedRequest): string {
  return req.body.messages.map((m: { content: string }) => m.content).join("\n");
}

async function run(args: string[], cwd: string, env: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (s) => (stdout += s + "\n"),
    stderr: (s) => (stderr += s + "\n"),
    env,
    cwd,
  });
  return { code, stdout, stderr };
}

Deno.test("loom eval: a fake model answering from a map gives exact precision and recall", async () => {
  await using llm = {
    ...(await startFakeLlm()),
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
  const dir = await Deno.makeTempDir();
  try {
    for (
      const [id, path, expected] of [
        ["a", "a.go", "[{path: a.go, lines: [3, 3], keywords: [sql]}]"],
        ["b", "b.go", "[{path: b.go, lines: [4, 4]}]"],
        ["c", "c.go", "[]"],
      ]
    ) {
      await Deno.mkdir(`${dir}/set/${id}`, { recursive: true });
      await Deno.writeTextFile(`${dir}/set/${id}/case.yaml`, caseYaml(path, expected));
    }
    await Deno.writeTextFile(`${dir}/config.yaml`, CONFIG(llm.url));
    // a.go: right (exact line) and one unrelated finding; b.go: nothing; c.go (clean): noise.
    const byPath: Record<string, unknown[]> = {
      "a.go": [
        { path: "a.go", line: 3, title: "SQL injection", body: "Bind it." },
        { path: "a.go", line: 1, title: "Naming", body: "Rename a." },
      ],
      "b.go": [],
      "c.go": [{ path: "c.go", line: 4, title: "Unused d", body: "Remove it." }],
    };
    llm.setDefault((req) => {
      const path = Object.keys(byPath).find((p) => promptOf(req).includes(`b/${p}`))!;
      return answer.json({ findings: byPath[path] });
    });
    const env = { LOOM_LLM_ALLOWED_BASE_URLS: llm.url };
    const json = await run(
      ["eval", "--set", "set", "--config", "config.yaml", "--format", "json"],
      dir,
      env,
    );
    assert.equal(json.code, 0, json.stderr);
    const line = json.stdout.trim();
    assert.equal(line.split("\n").length, 1);
    const figures = JSON.parse(line);
    assert.deepEqual(
      { ...figures, prompt_tokens: 0, completion_tokens: 0, wall_ms: 0 },
      {
        cases: 3,
        precision: 0.3333,
        recall: 0.5,
        f1: 0.4,
        line_accuracy: 1,
        prompt_tokens: 0,
        completion_tokens: 0,
        wall_ms: 0,
        model: "default (fake-model)",
        failed_pipelines: 0,
      },
    );
    assert.ok(figures.prompt_tokens > 0 && figures.completion_tokens > 0);
    assert.equal(llm.chats().length, 3);

    const text = await run(["eval", "--set", "set", "--config", "config.yaml"], dir, env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^b\s+go\s+k\s+1\s+0\s+0\s+0\s+missed$/m);
    assert.match(text.stdout, /^c\s+go\s+k\s+0\s+0\s+1\s+1\s+noisy$/m);
    assert.match(text.stdout, /missed b: b.go:4-4/);
    assert.match(text.stdout, /precision 33\.3%\s+recall 50\.0%\s+F1 40\.0%/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loom eval: a malformed set stops with the file named and no model call", async () => {
  await using llm = {
    ...(await startFakeLlm()),
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/set/bad`, { recursive: true });
    await Deno.writeTextFile(`${dir}/set/bad/case.yaml`, "language: go\n");
    const out = await run(["eval", "--set", "set"], dir, {
      LOOM_LLM_BASE_URL: llm.url,
      LOOM_LLM_ALLOWED_BASE_URLS: llm.url,
    });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /set\/bad\/case\.yaml: kind: /);
    assert.equal(llm.chats().length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loom eval: the shipped set scored against an oracle model is perfect", async () => {
  await using llm = {
    ...(await startFakeLlm()),
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
  const loaded = await loadEvalSet(fileURLToPath(new URL("../../eval/cases", import.meta.url)));
  assert.ok(loaded.ok);
  // Each case's paths are unique in the set, so the prompt's path says which case is asked.
  llm.setDefault((req) => {
    const prompt = promptOf(req);
    const c = loaded.cases.find((c) => parseDiffPaths(c.diff).some((p) => prompt.includes(p)))!;
    return answer.json({
      findings: c.expected.map((e) => ({
        path: e.path,
        line: e.lines[0],
        title: e.keywords[0],
        body: `About ${e.keywords.join(", ")}.`,
      })),
    });
  });
  const out = await run(["eval", "--format", "json"], Deno.cwd(), {
    LOOM_LLM_BASE_URL: llm.url,
    LOOM_LLM_ALLOWED_BASE_URLS: llm.url,
  });
  assert.equal(out.code, 0, out.stderr);
  const figures = JSON.parse(out.stdout);
  assert.equal(figures.cases, loaded.cases.length);
  assert.deepEqual([figures.precision, figures.recall, figures.line_accuracy], [1, 1, 1]);
});

function parseDiffPaths(diff: string): string[] {
  return [...diff.matchAll(/^\+\+\+ (b\/\S+)$/gm)].map((m) => m[1]);
}
