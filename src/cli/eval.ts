/**
 * `loom eval`: runs the review engine, with the user's own model and config, over a labelled set
 * of changes and prints precision, recall, F1 and line accuracy with tokens and time, so models
 * and prompts can be compared on the same cases.
 * @module
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { evalJsonLine, evalTable, loadEvalSet, runEval } from "../eval/mod.ts";
import { processLimiter } from "../llm/mod.ts";
import { keyEnv } from "../repo_config/mod.ts";
import { parseCommand } from "./args.ts";
import { type CliIo, EXIT } from "./io.ts";
import { localConfig, readOrNull } from "./local_config.ts";
import { settingsFrom } from "./settings.ts";

/** The set shipped with Loom (`eval/cases`), found beside the code also in a compiled binary. */
const SHIPPED_SET = fileURLToPath(new URL("../../eval/cases", import.meta.url));

const USAGE = `Usage: loom eval [--set DIR] [--config FILE] [--format text|json]

Reviews every case of a labelled set (DIR/<case>/case.yaml: a diff and the findings a reviewer
should make) with the same engine, config and prompts as 'loom review', and prints precision,
recall, F1 and line accuracy, with the tokens and time it took.

  --set DIR       the set (default: the one shipped with Loom, eval/cases)
  --config FILE   a .loom/config.yaml for models, prompts and pipelines; its prompt files are
                  read relative to the current directory. Without it, the built-in pipelines run
                  on LOOM_LLM_BASE_URL / LOOM_LLM_MODEL with the key in LOOM_LLM_API_KEY.
  --format F      text (default: a table of cases, then the figures) or json (one line)

Exit status: 0 done, 1 every pipeline failed on every case, 2 bad usage, config or set.`;

const FLAGS = {
  set: { type: "string" },
  config: { type: "string" },
  format: { type: "string", default: "text" },
} as const;

/** Runs `loom eval`. */
export async function evalCommand(
  args: string[],
  io: CliIo,
  deps: { fetch?: typeof fetch } = {},
): Promise<number> {
  const parsed = parseCommand(args, FLAGS, USAGE, io);
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const usage = (why: string) => (io.stderr(`loom eval: ${why}\n\n${USAGE}`), EXIT.usage);
  if (parsed.positionals.length > 0) return usage(`unexpected argument ${parsed.positionals[0]}`);
  const format = values.format as string;
  if (format !== "text" && format !== "json") return usage("--format must be text or json");
  const settings = settingsFrom({}, io);
  if (typeof settings === "number") return settings;

  const setDir = values.set !== undefined ? resolve(io.cwd, values.set as string) : SHIPPED_SET;
  const loaded = await loadEvalSet(setDir);
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr(`loom eval: ${error}`);
    return EXIT.usage;
  }

  const configFile = values.config === undefined
    ? ".loom/config.yaml"
    : resolve(io.cwd, values.config as string);
  const configText = values.config === undefined ? null : await readOrNull(configFile);
  if (values.config !== undefined && configText === null) {
    return usage(`config file ${configFile} not found`);
  }
  const config = localConfig(configText, configFile, settings, io);
  if (typeof config === "number") return config;

  try {
    const report = await runEval(loaded.cases, {
      config,
      readRepoFile: (path) => readOrNull(resolve(io.cwd, path)),
      env: keyEnv(io.env, settings.llm.apiKey),
      fetch: deps.fetch,
      maxResponseBytes: settings.llm.maxResponseBytes,
      retries: 2,
      limiter: processLimiter(settings.llm),
      // Progress goes to stderr so the JSON line stays alone on stdout.
      onCase: (c, i, total) => io.stderr(`loom eval: ${i + 1}/${total} ${c.id}`),
    });
    io.stdout(format === "json" ? evalJsonLine(report) : evalTable(report));
    const allFailed = report.cases.every((c) => c.failed.length > 0);
    if (allFailed) {
      io.stderr("loom eval: every pipeline failed on every case, so nothing was measured");
      return EXIT.failure;
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr(`loom eval: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
}
