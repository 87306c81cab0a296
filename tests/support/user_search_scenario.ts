/**
 * The change every platform's end-to-end test reviews: a feature branch adding a user search
 * whose SQL is built from input, made by git; the Loom config on the base branch that reviews it
 * with a security and a quality pipeline; and the model answering as a scripted reviewer.
 * @module
 */

import { answer, type ContentAnswer, type RecordedRequest } from "../fakes/llm/server.ts";
import { type GitRepo, makeRepo } from "../git_repo.ts";

const FIND = "export function find(db, id) {\n" +
  '  return db.query("select * from users where id = ?", [id]);\n' +
  "}\n";
const SEARCH = "export function search(db, name) {\n" +
  '  const sql = "select * from users where name = \'" + name + "\'";\n' +
  "  return db.query(sql);\n" +
  "}\n";

/** `src/users.js` on the base branch, and on `feature` with the search added. */
export const USERS_JS = { base: FIND, search: FIND + "\n" + SEARCH };

/** The pull request every platform's end-to-end test seeds: `feature` into `main`, number 1. */
export const USER_SEARCH_PR = {
  number: 1,
  title: "Add user search",
  baseRef: "main",
  headRef: "feature",
} as const;

/** The base branch's Loom files: the config (pointing at the model) and the security prompt. */
export function loomFiles(llmUrl: string): Record<string, string> {
  return {
    ".loom/config.yaml": `models:
  default: {base_url: ${llmUrl}, api_key_env: LOOM_LLM_API_KEY, model: fake-model, structured_output: json_schema}
pipelines:
  - {name: security, prompt_file: .loom/prompts/security.md, severity: blocker}
  - {name: quality, prompt_file: builtin:quality, severity: warning}
`,
    ".loom/prompts/security.md": "Look for SQL injection and secrets.\n\n{{diff}}\n",
  };
}

/** Puts {@link loomFiles} on the `main` branch of `repo` in a fake platform. */
export function seedLoomConfig(
  platform: { setFile(repo: string, ref: string, path: string, text: string): void },
  repo: string,
  llmUrl: string,
): void {
  for (const [path, text] of Object.entries(loomFiles(llmUrl))) {
    platform.setFile(repo, "main", path, text);
  }
}

/**
 * Seeds the user-search pull request on a fake platform (`input` names the repository and what
 * else the test gives it: a head, a diff) and the base branch's {@link loomFiles}; returns the
 * pull request as the fake holds it.
 */
export function seedUserSearch<I extends { repo: string }, P>(
  platform: {
    addPullRequest(input: I & typeof USER_SEARCH_PR): P;
    setFile(repo: string, ref: string, path: string, text: string): void;
  },
  input: I,
  llmUrl: string,
): P {
  const pull = platform.addPullRequest({ ...input, ...USER_SEARCH_PR });
  seedLoomConfig(platform, input.repo, llmUrl);
  return pull;
}

/**
 * A git repository whose `main` has `src/users.js` and a README (and, given the model's
 * `llmUrl`, the {@link loomFiles}, for a platform that reads them from git), and whose `feature`
 * branch, checked out, adds the search and documents it. The caller cleans it up.
 */
export async function userSearchRepo(llmUrl?: string): Promise<GitRepo> {
  const baseFiles = llmUrl === undefined ? {} : loomFiles(llmUrl);
  const repo = await makeRepo();
  try {
    await repo.write("src/users.js", USERS_JS.base);
    await repo.write("README.md", "# app\n");
    for (const [path, text] of Object.entries(baseFiles)) await repo.write(path, text);
    await repo.commit("base");
    await repo.git("checkout", "-q", "-b", "feature");
    await repo.write("src/users.js", USERS_JS.search);
    await repo.write("README.md", "# app\n\nSearch users by name.\n");
    await repo.commit("Add user search");
    return repo;
  } catch (error) {
    await repo.cleanup();
    throw error;
  }
}

/** The diff git shows for `main...feature` of {@link userSearchRepo}. */
export async function userSearchDiff(): Promise<string> {
  const repo = await userSearchRepo();
  try {
    return await repo.git("diff", "main...feature");
  } finally {
    await repo.cleanup();
  }
}

/** A finding as the model answers it. */
export interface ModelFinding {
  path: string;
  line: number;
  end_line: number | null;
  severity: string;
  title: string;
  body: string;
  suggestion: string | null;
}

/** The findings the scripted reviewer answers by default. */
export const FINDINGS = {
  /** Security: a blocker with a suggestion on the added SQL line. */
  sqlInjection: {
    path: "src/users.js",
    line: 6,
    end_line: null,
    severity: "blocker",
    title: "SQL injection in search",
    body: "`name` is concatenated into the query.",
    suggestion: '  const sql = "select * from users where name = ?";',
  },
  /** Quality: a warning on the added README line. */
  readme: {
    path: "README.md",
    line: 3,
    end_line: null,
    severity: "warning",
    title: "Document the search",
    body: "Say how names match.",
    suggestion: null,
  },
  /** Quality: an info on a line outside the diff, which only the summary can carry. */
  outsideDiff: {
    path: "src/users.js",
    line: 40,
    end_line: null,
    severity: "info",
    title: "Unchanged line",
    body: "Outside the diff.",
    suggestion: null,
  },
} satisfies Record<string, ModelFinding>;

/** The findings for one pipeline: fixed, or chosen by the prompt the model was sent. */
export type Findings = ModelFinding[] | ((prompt: string) => ModelFinding[]);

/** The prompt of a chat request, as one string to search. */
export function promptOf(req: RecordedRequest): string {
  return JSON.stringify(req.body.messages);
}

/**
 * Whether a chat request is a second look (`src/review/verify.ts`) rather than a review: blocker
 * pipelines take one by default, so tests counting review calls leave these out.
 */
export function isSecondLook(req: RecordedRequest): boolean {
  return promptOf(req).includes("You are checking the findings of an automated code review");
}

/** The review calls among `chats`, without the second looks. */
export function reviewCalls(chats: RecordedRequest[]): RecordedRequest[] {
  return chats.filter((c) => !isSecondLook(c));
}

/**
 * The model as a scripted reviewer: the security pipeline (its prompt asks to look for SQL) gets
 * `security`, every other pipeline `quality`; by default the SQL blocker, and the README warning
 * with the finding outside the diff. A second look scores every finding `score` (default 8, so
 * all are kept).
 */
export function reviewer(
  script: { security?: Findings; quality?: Findings; score?: number } = {},
): (req: RecordedRequest) => ContentAnswer {
  const security = script.security ?? [FINDINGS.sqlInjection];
  const quality = script.quality ?? [FINDINGS.readme, FINDINGS.outsideDiff];
  return (req) => {
    const prompt = promptOf(req);
    if (isSecondLook(req)) {
      const count = prompt.match(/## Finding \d+/g)?.length ?? 0;
      const scores = Array.from({ length: count }, (_, i) => ({
        id: i + 1,
        score: script.score ?? 8,
        reason: "scripted",
      }));
      return answer.json({ scores });
    }
    const findings = prompt.includes("Look for SQL") ? security : quality;
    return answer.json({
      findings: typeof findings === "function" ? findings(prompt) : findings,
    });
  };
}
