import assert from "node:assert/strict";
import { checkImports, formatResult, readTree } from "./check_imports.ts";

// A small tree laid out like Loom's: folders with a mod.ts, a composition root, the CLI, tests.
const CLEAN: Record<string, string> = {
  "main.ts": 'import { serve } from "./src/cli/serve.ts";\nserve();',
  "src/server.ts": 'import { PLATFORMS } from "../adapters/mod.ts";\n' +
    'import { plan } from "./review/mod.ts";\nimport { run } from "./review/jobs/mod.ts";\n' +
    "export const p = [PLATFORMS, plan, run];",
  "src/cli/serve.ts":
    'import { PLATFORMS } from "../../adapters/mod.ts";\nexport const serve = () => PLATFORMS;',
  "src/log.ts": "export const log = 1;",
  "src/platform/mod.ts": 'export type { GitAdapter } from "./git_adapter.ts";',
  "src/platform/git_adapter.ts": "export interface GitAdapter { id: string }",
  "src/review/mod.ts": 'export { plan } from "./plan.ts";',
  "src/review/plan.ts": 'import { log } from "../log.ts";\nexport const plan = log;',
  "src/review/_order.ts": "export const order = 1;",
  "src/review/jobs/mod.ts": 'export { run } from "./run.ts";',
  // A subfolder may use its parent's files, private ones included: it is inside the folder.
  "src/review/jobs/run.ts": 'import { order } from "../_order.ts";\nexport const run = order;',
  "src/review/jobs/run_test.ts":
    'import { run } from "./run.ts";\nimport { PLATFORMS } from "../../../adapters/mod.ts";\n' +
    "void run, PLATFORMS;",
  // Test code may reach a public file past a mod.ts.
  "src/review/plan_test.ts": 'import { run } from "./jobs/run.ts";\nvoid run;',
  "adapters/mod.ts":
    'import { github } from "./github/mod.ts";\nexport const PLATFORMS = [github];',
  "adapters/github/mod.ts": 'export { github } from "./adapter.ts";',
  "adapters/github/adapter.ts":
    'import type { GitAdapter } from "../../src/platform/mod.ts";\nimport { sign } from "./_sign.ts";\n' +
    'export const github: GitAdapter = { id: sign("github") };',
  "adapters/github/_sign.ts": "export const sign = (s: string) => s;",
  "tests/e2e/github_test.ts":
    'import { github } from "../../adapters/github/adapter.ts";\nimport { plan } from "../../src/review/mod.ts";\n' +
    'import { z } from "npm:zod";\nimport "hono";\nvoid github, plan, z;',
};

async function plant(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "loom_check_imports_" });
  for (const [path, source] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/") + 1) || "."}`, {
      recursive: true,
    });
    await Deno.writeTextFile(`${root}/${path}`, source);
  }
  return root;
}

async function check(files: Record<string, string>) {
  const root = await plant(files);
  try {
    return checkImports(await readTree(root));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function runCli(files: Record<string, string>) {
  const root = await plant(files);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", new URL("./check_imports.ts", import.meta.url).pathname, root],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const lines = (result: ReturnType<typeof checkImports>) =>
  result.violations.map((v) => `${v.file}:${v.line}: ${v.message}`);

/** The violations of the clean tree with `planted` files added or replaced, as the CLI prints them. */
const violationsWith = async (planted: Record<string, string>) =>
  lines(await check({ ...CLEAN, ...planted }));

Deno.test("a clean tree passes, and the counts say what was checked", async () => {
  const result = await check(CLEAN);
  assert.deepEqual(lines(result), []);
  assert.equal(result.files, Object.keys(CLEAN).length);
  assert.equal(result.imports, 19);
  assert.equal(result.ignored, 2);
});

Deno.test("the CLI exits 0 on a clean tree and prints how many files and imports it checked", async () => {
  const { code, stdout } = await runCli(CLEAN);
  assert.equal(code, 0);
  assert.equal(
    stdout.trim(),
    `checked ${Object.keys(CLEAN).length} files and 19 imports of local files ` +
      "(2 package imports not checked): no violations",
  );
});

Deno.test("a planted folder cycle fails, printing the cycle and the imports that make it", async () => {
  const result = await check({
    ...CLEAN,
    "src/llm/mod.ts": 'export { ask } from "./ask.ts";',
    "src/llm/ask.ts": 'import { plan } from "../review/mod.ts";\nexport const ask = plan;',
    "src/review/plan.ts": 'import { ask } from "../llm/mod.ts";\n\nexport const plan = ask;',
  });
  assert.deepEqual(formatResult(result).split("\n").slice(0, -1), [
    "src/llm/ask.ts:1: folder cycle: src/llm -> src/review -> src/llm",
    "  src/llm/ask.ts:1 imports src/review/mod.ts",
    "  src/review/plan.ts:1 imports src/llm/mod.ts",
  ]);
});

// Each case plants files in the clean tree and lists the violations, as the CLI prints them.
const PLANTED: { name: string; planted: Record<string, string>; expected: string[] }[] = [
  {
    name: "a cycle through three folders and one through a file in src/ are each found",
    planted: {
      "src/a/mod.ts": 'import "../b/mod.ts";',
      "src/b/mod.ts": 'import "../c/mod.ts";',
      "src/c/mod.ts": 'import "../a/mod.ts";\nimport "../intake.ts";',
      "src/intake.ts": 'import "./c/mod.ts";',
      // A parent that re-exports a subfolder which uses the parent's files is a cycle too.
      "src/review/mod.ts":
        'export { plan } from "./plan.ts";\nexport { run } from "./jobs/mod.ts";',
    },
    expected: [
      "src/a/mod.ts:1: folder cycle: src/a -> src/b -> src/c -> src/a",
      "src/c/mod.ts:2: folder cycle: src/c -> src/intake.ts -> src/c",
      "src/review/mod.ts:2: folder cycle: src/review -> src/review/jobs -> src/review",
    ],
  },
  {
    name: "imports made only by tests do not make a cycle",
    planted: {
      "src/platform/git_adapter_test.ts": 'import { plan } from "../review/mod.ts";\nvoid plan;',
    },
    expected: [],
  },
  {
    name: "a planted src/ -> adapters/ import fails outside the composition roots",
    planted: {
      "src/review/plan.ts": 'import { log } from "../log.ts";\n' +
        'import { github } from "../../adapters/github/mod.ts";\nexport const plan = [log, github];',
      "src/review/jobs/run.ts":
        'const m = await import("../../../adapters/mod.ts");\nexport const run = m;',
    },
    expected: [
      "src/review/jobs/run.ts:1: src/ must not import adapters/ (only src/server.ts and src/cli/ " +
      "wire platforms in): imports adapters/mod.ts",
      "src/review/plan.ts:2: src/ must not import adapters/ (only src/server.ts and src/cli/ " +
      "wire platforms in): imports adapters/github/mod.ts",
    ],
  },
  {
    name: "a planted reach past a folder's mod.ts fails in production code",
    planted: {
      "src/server.ts": 'import { PLATFORMS } from "../adapters/mod.ts";\n' +
        'import { plan } from "./review/plan.ts";\nimport { run } from "./review/jobs/run.ts";\n' +
        "export const p = [PLATFORMS, plan, run];",
      "adapters/github/adapter.ts":
        'import type { GitAdapter } from "../../src/platform/git_adapter.ts";\n' +
        'export const github: GitAdapter = { id: "github" };',
    },
    expected: [
      "adapters/github/adapter.ts:1: imports src/platform/git_adapter.ts past src/platform/mod.ts; " +
      "import src/platform/mod.ts (a folder's surface)",
      "src/server.ts:2: imports src/review/plan.ts past src/review/mod.ts; " +
      "import src/review/mod.ts (a folder's surface)",
      // The outermost folder crossed names the surface to use.
      "src/server.ts:3: imports src/review/jobs/run.ts past src/review/mod.ts; " +
      "import src/review/mod.ts (a folder's surface)",
    ],
  },
  {
    name: "another folder's private file is refused to tests too, with or without a mod.ts",
    planted: {
      "tests/e2e/github_test.ts":
        'import { sign } from "../../adapters/github/_sign.ts";\nvoid sign;',
      "src/util/_hidden.ts": "export const hidden = 1;",
      "src/log.ts": 'import { hidden } from "./util/_hidden.ts";\nexport const log = hidden;',
    },
    expected: [
      "src/log.ts:1: imports src/util/_hidden.ts, private to src/util/",
      "tests/e2e/github_test.ts:1: imports adapters/github/_sign.ts, private to adapters/github/; " +
      "import adapters/github/mod.ts",
    ],
  },
];

for (const { name, planted, expected } of PLANTED) {
  Deno.test(name, async () => {
    assert.deepEqual(await violationsWith(planted), expected);
  });
}

Deno.test("the CLI exits 1 and prints each violation as file:line: message", async () => {
  const { code, stdout } = await runCli({
    ...CLEAN,
    "src/log.ts": 'import { github } from "../adapters/github/mod.ts";\nexport const log = github;',
  });
  assert.equal(code, 1);
  const out = stdout.trim().split("\n");
  assert.match(out[0], /^src\/log\.ts:1: src\/ must not import adapters\//);
  assert.match(out.at(-1)!, /: 1 violation$/);
});

Deno.test("formatResult indents a cycle's evidence under its violation", () => {
  const text = formatResult({
    files: 2,
    imports: 2,
    ignored: 0,
    violations: [{
      file: "a/x.ts",
      line: 3,
      message: "folder cycle: a -> b -> a",
      details: ["d1", "d2"],
    }],
  });
  assert.equal(
    text,
    "a/x.ts:3: folder cycle: a -> b -> a\n  d1\n  d2\n" +
      "checked 2 files and 2 imports of local files (0 package imports not checked): 1 violation",
  );
});
