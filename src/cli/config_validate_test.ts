import assert from "node:assert/strict";
import { join } from "node:path";
import { configValidateCommand } from "./config_validate.ts";

const CONFIG = `models:
  default: {base_url: "https://api.openai.com/v1", api_key_env: OPENAI_API_KEY, model: gpt-4o}
pipelines:
  - {name: security, prompt_file: builtin:security, severity: blocker}
  - {name: style, prompt_file: .loom/prompts/style.md}
`;

/** A temporary repository with the given files, removed after `fn`. */
async function withRepo(files: Record<string, string>, fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "loom_config_validate_" });
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, path), text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await configValidateCommand(args, {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    env: { LOOM_LLM_ALLOWED_KEY_ENVS: "OPENAI_API_KEY", ...env },
    cwd,
  });
  return { code, out, err };
}

const GOOD = {
  ".loom/config.yaml": CONFIG,
  ".loom/prompts/style.md": "Style review of {{files}}\n\n{{diff}}\n",
};

Deno.test("a valid repository prints ok and exits 0", async () => {
  await withRepo(GOOD, async (dir) => {
    assert.deepEqual(await run([], dir), { code: 0, out: ["ok"], err: [] });
  });
});

Deno.test("an explicit FILE is resolved against cwd; its prompts against the folder above .loom/", async () => {
  await withRepo({
    "sub/.loom/config.yaml": CONFIG,
    "sub/.loom/prompts/style.md": "{{diff}}",
  }, async (dir) => {
    assert.deepEqual(await run(["sub/.loom/config.yaml"], dir), { code: 0, out: ["ok"], err: [] });
    const absolute = await run([join(dir, "sub/.loom/config.yaml")], "/");
    assert.deepEqual(absolute, { code: 0, out: ["ok"], err: [] });
  });
});

Deno.test("each error is printed on its own line and the exit code is 1", async () => {
  await withRepo({
    ".loom/config.yaml": CONFIG.replace("gpt-4o}", "gpt-4o, temperature: warm}") +
      "  - {name: docs, prompt_file: .loom/prompts/docs.md}\n",
    ".loom/prompts/style.md": "{{diff}} {{author}}",
  }, async (dir) => {
    const { code, out, err } = await run([], dir);
    assert.equal(code, 1);
    assert.deepEqual(err, []);
    assert.deepEqual(out, [
      '.loom/config.yaml:2:109: models.default.temperature: must be a number, got "warm"',
    ]);
  });
  await withRepo({
    ".loom/config.yaml": CONFIG + "  - {name: docs, prompt_file: .loom/prompts/docs.md}\n",
    ".loom/prompts/style.md": "{{diff}} {{author}}",
  }, async (dir) => {
    const { code, out } = await run([], dir);
    assert.equal(code, 1);
    assert.equal(out.length, 2);
    assert.equal(
      out[0],
      ".loom/config.yaml:6:31: pipelines[2].prompt_file: prompt file not found: " +
        ".loom/prompts/docs.md",
    );
    assert.match(out[1], /^\.loom\/prompts\/style\.md:1:10: unknown placeholder \{\{author\}\}/);
  });
});

Deno.test("policy comes from the environment", async () => {
  await withRepo(GOOD, async (dir) => {
    const noKeys = await run([], dir, { LOOM_LLM_ALLOWED_KEY_ENVS: "" });
    assert.equal(noKeys.code, 1);
    // Issue 10: keys are bound in LOOM_LLM_KEYS, the setting the message now names.
    assert.match(noKeys.out[0], /^\.loom\/config\.yaml:2:65: .*LOOM_LLM_KEYS/);

    const otherHost = await run([], dir, { LOOM_LLM_ALLOWED_BASE_URLS: "http://localhost:11434" });
    assert.equal(otherHost.code, 1);
    assert.match(otherHost.out[0], /^\.loom\/config\.yaml:2:23: .*LOOM_LLM_ALLOWED_BASE_URLS/);

    const allowed = await run([], dir, {
      LOOM_LLM_ALLOWED_BASE_URLS: "http://localhost:11434, https://api.openai.com",
    });
    assert.equal(allowed.code, 0);
  });
});

Deno.test("output never contains the value of a key variable", async () => {
  await withRepo(GOOD, async (dir) => {
    const { out, err } = await run([], dir, {
      LOOM_LLM_ALLOWED_KEY_ENVS: "",
      OPENAI_API_KEY: "sk-live-secret",
      LOOM_LLM_API_KEY: "sk-loom-secret",
    });
    assert.ok(!out.concat(err).join("\n").includes("secret"));
  });
});

Deno.test("a missing config file exits 1 with a clear message on stderr", async () => {
  await withRepo({}, async (dir) => {
    const { code, out, err } = await run([], dir);
    assert.equal(code, 1);
    assert.deepEqual(out, []);
    assert.equal(err.length, 1);
    assert.match(err[0], /^loom config validate: \.loom\/config\.yaml not found/);
  });
});

Deno.test("an unreadable FILE exits 1 with the reason on stderr", async () => {
  await withRepo(GOOD, async (dir) => {
    const { code, out, err } = await run([".loom"], dir);
    assert.equal(code, 1);
    assert.deepEqual(out, []);
    assert.match(err[0], /^loom config validate: /);
  });
});

Deno.test("--help prints usage and exits 0", async () => {
  const { code, out, err } = await run(["--help"], "/");
  assert.equal(code, 0);
  assert.match(out[0], /^Usage: loom config validate \[FILE\]/);
  assert.deepEqual(err, []);
});

Deno.test("bad usage exits 2 with usage on stderr", async () => {
  for (const args of [["--verbose"], ["a.yaml", "b.yaml"]]) {
    const { code, out, err } = await run(args, "/");
    assert.equal(code, 2, args.join(" "));
    assert.deepEqual(out, []);
    assert.match(err[0], /Usage: loom config validate/);
  }
});
