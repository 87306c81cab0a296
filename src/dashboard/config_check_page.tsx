/**
 * The Config check page: paste a `.loom/config.yaml`, see what `loom config validate` would say,
 * each problem at its `line:col`, checked against this server's key and URL policy. Prompt
 * files the config names inside the repository cannot be read from here and are listed as not
 * checked (`loom config validate` in a clone checks them); built-in prompts are checked.
 * @module
 */
import {
  type ConfigError,
  type ConfigPolicy,
  formatConfigError,
  parsePromptRef,
  parseRepoConfig,
  validateConfigFile,
} from "../repo_config/mod.ts";
import { Layout } from "./layout.tsx";
import type { DashboardPage, PageContext } from "./page.ts";

/** Longest config accepted, in characters: a real config is a few KB. */
export const MAX_CONFIG_CHECK_CHARS = 64 * 1024;
const FILE = ".loom/config.yaml";

/** What checking a pasted config found. */
export interface ConfigCheck {
  errors: ConfigError[];
  /** Repository prompt files the config names, which were not read. */
  unchecked: string[];
}

/**
 * Validates `text` as `.loom/config.yaml` with the CLI's validator: every error with its
 * line and column, except that repository prompt files (not readable here) are reported as
 * unchecked rather than missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPastedConfig } from "./config_check_page.tsx";
 *
 * const check = await checkPastedConfig("pipelines: 3\n", { allowedKeyEnvs: [] });
 * assert.deepEqual(check.errors.map((e) => [e.line, e.col, e.message]), [
 *   [1, 1, 'missing required key "models"'],
 *   [1, 12, "pipelines: must be a list, got 3"],
 * ]);
 * ```
 */
export async function checkPastedConfig(text: string, policy: ConfigPolicy): Promise<ConfigCheck> {
  const errors = await validateConfigFile({
    file: FILE,
    readFile: (path) => Promise.resolve(path === FILE ? text : null),
    policy,
  });
  const parsed = parseRepoConfig(text, FILE, policy);
  const unchecked = parsed.ok
    ? parsed.config.pipelines.map((p) => p.prompt_file).filter((ref) =>
      parsePromptRef(ref).kind === "repo"
    )
    : [];
  const notReadable = (e: ConfigError) =>
    unchecked.some((ref) => e.message.includes("prompt file not found") && e.message.endsWith(ref));
  return { errors: errors.filter((e) => !notReadable(e)), unchecked: [...new Set(unchecked)] };
}

function Form(props: { csrf: string; text: string }) {
  return (
    <form class="panel" method="post" action="/config-check">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <label>
        .loom/config.yaml
        <textarea name="config" rows={18} maxlength={MAX_CONFIG_CHECK_CHARS} spellcheck={false}>
          {props.text}
        </textarea>
      </label>
      <p>
        <button type="submit" class="primary">Check</button>
      </p>
    </form>
  );
}

function Result(props: { check: ConfigCheck }) {
  const { errors, unchecked } = props.check;
  return (
    <section id="result">
      {errors.length === 0 ? <p class="notice">No problems found.</p> : (
        <div class="error">
          <p>
            {errors.length === 1 ? "1 problem" : `${errors.length} problems`}:
          </p>
          <ul>
            {errors.map((e) => (
              <li>
                <code>{formatConfigError(e)}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {unchecked.length > 0 && (
        <p class="muted">
          Not checked here (prompt files of the repository): {unchecked.join(", ")}. Run{" "}
          <code>loom config validate</code> in a clone to check them.
        </p>
      )}
    </section>
  );
}

function policyOf(ctx: PageContext): ConfigPolicy {
  // Without the server's view the strictest policy: no key variable, no extra URL.
  return ctx.deps.server?.policy ?? { allowedKeyEnvs: [] };
}

/** `/config-check`. */
export const configCheckPage: DashboardPage = {
  path: "/config-check",
  title: "Config check",
  nav: "config",
  // URL-encoding triples a byte at most (`%23`): room for a config at its cap, checked below.
  maxBodyBytes: 3 * MAX_CONFIG_CHECK_CHARS + 4 * 1024,
  render(ctx) {
    return Promise.resolve(
      <>
        <p class="muted">
          Paste a repository's <code>.loom/config.yaml</code>: it is checked as{" "}
          <code>loom config validate</code>{" "}
          checks it, against this server's settings. Nothing is stored.
        </p>
        <Form csrf={ctx.csrf} text="" />
      </>,
    );
  },
  // Validating a pasted config changes nothing, so a read-only sign-in may do it too.
  readOnlyPost: true,
  async post(ctx) {
    const form = await ctx.c.req.parseBody();
    const text = typeof form.config === "string" ? form.config.replace(/\r\n/g, "\n") : "";
    const tooLong = text.length > MAX_CONFIG_CHECK_CHARS;
    const body = tooLong
      ? (
        <p class="error">
          The config is {text.length} characters; at most {MAX_CONFIG_CHECK_CHARS} are checked.
        </p>
      )
      : <Result check={await checkPastedConfig(text, policyOf(ctx))} />;
    return ctx.c.html(
      <Layout title="Config check" nav="config" user={{ role: ctx.session.role, csrf: ctx.csrf }}>
        {body}
        <Form csrf={ctx.csrf} text={tooLong ? "" : text} />
      </Layout>,
      tooLong ? 413 : 200,
    );
  },
};
