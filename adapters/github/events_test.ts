import assert from "node:assert/strict";
import { parseGithubEvent } from "./events.ts";
import {
  assertReadsEveryCommand,
  bytes,
  outcome,
  payloadError,
} from "../../tests/support/event_cases.ts";

// Real payloads contributed to octokit/webhooks. Loaded through a computed specifier so that
// `deno check` does not type-check 4 MB of JSON.
const EXAMPLES = "@octokit/webhooks-examples/" + "api.github.com/index.json";
// deno-lint-ignore no-explicit-any
type Payload = Record<string, any>;
const catalogue: { name: string; examples: Payload[] }[] =
  (await import(EXAMPLES, { with: { type: "json" } })).default;

function example(event: string, action: string, withInstallation?: boolean): Payload {
  const found = catalogue.find((e) => e.name === event)?.examples.find((x) =>
    x.action === action &&
    (withInstallation === undefined || (x.installation !== undefined) === withInstallation)
  );
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found);
}

/** An `issue_comment` example turned into a comment on a pull request with `body`. */
function prComment(body: string, user?: { login: string; type: string }): Payload {
  const payload = example("issue_comment", "created", false);
  // Every published example is on a plain issue; GitHub marks a pull request's by this key.
  payload.issue.pull_request = {
    url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1",
  };
  payload.comment.body = body;
  if (user) payload.comment.user = { ...payload.comment.user, ...user };
  return payload;
}

Deno.test("pull_request opened, synchronize, reopened and ready_for_review ask for a review", () => {
  const opened = example("pull_request", "opened", false);
  assert.deepEqual(parseGithubEvent("pull_request", bytes(opened)), {
    type: "review",
    reason: "opened",
    repo: { platform: "github", fullName: "Codertocat/Hello-World" },
    pr: 2,
    headSha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
    baseRef: "master",
    draft: false,
    // Who pushed or opened it: counted per person (LOOM_RATE_LIMIT_PER_USER).
    actor: "Codertocat",
  });

  const sync = example("pull_request", "synchronize");
  const event = parseGithubEvent("pull_request", bytes(sync));
  assert.equal(event.type === "review" && event.reason, "new_commits");
  assert.deepEqual(event.type === "review" && event.repo, {
    platform: "github",
    fullName: "Codertocat/Hello-World",
    installation: String(sync.installation.id),
  });

  const reasons = ["reopened", "ready_for_review"].map((action) => {
    const e = parseGithubEvent("pull_request", bytes(example("pull_request", action)));
    return e.type === "review" ? e.reason : e.type;
  });
  assert.deepEqual(reasons, ["reopened", "ready"]);
});

Deno.test("a draft pull request is reported as a draft", () => {
  const payload = example("pull_request", "opened", true);
  payload.pull_request.draft = true;
  const event = parseGithubEvent("pull_request", bytes(payload));
  assert.equal(event.type === "review" && event.draft, true);
});

Deno.test("pull_request closed is closed; other actions are ignored with their name", () => {
  const closed = example("pull_request", "closed");
  assert.deepEqual(parseGithubEvent("pull_request", bytes(closed)), {
    type: "closed",
    repo: { platform: "github", fullName: "Codertocat/Hello-World", installation: "1" },
    pr: 2,
  });
  assert.deepEqual(parseGithubEvent("pull_request", bytes(example("pull_request", "labeled"))), {
    type: "ignored",
    reason: "pull_request action labeled is not handled",
  });
});

Deno.test("ping is a ping, and unknown events are ignored by name", () => {
  assert.deepEqual(parseGithubEvent("ping", bytes({ zen: "Keep it logically awesome." })), {
    type: "ping",
  });
  assert.deepEqual(parseGithubEvent("push", bytes({})), {
    type: "ignored",
    reason: "event push is not handled",
  });
});

Deno.test("a commenter's author_association proves write access only for OWNER, MEMBER, COLLABORATOR", () => {
  const by = (association: string) => {
    const payload = prComment("/loom review");
    payload.comment.author_association = association;
    const e = parseGithubEvent("issue_comment", bytes(payload));
    return e.type === "command" && e.authorIsWriter === true;
  };
  assert.deepEqual(
    ["OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "NONE"].map(by),
    [true, true, true, false, false, false],
  );
});

Deno.test("a /loom command in a pull request comment is a command from its author", () => {
  const review = parseGithubEvent("issue_comment", bytes(prComment("/loom review")));
  assert.deepEqual(review, {
    type: "command",
    command: "review",
    repo: { platform: "github", fullName: "Codertocat/Hello-World" },
    pr: 1,
    author: "Codertocat",
    // The example's author_association is OWNER: the delivery proves write access.
    authorIsWriter: true,
  });
  assertReadsEveryCommand((body) => parseGithubEvent("issue_comment", bytes(prComment(body))));
});

Deno.test("comments that are not commands for Loom are ignored with a reason", () => {
  const reasons = [
    prComment("/loomy review"),
    prComment("please /loom review"),
    prComment("LGTM\n/loom review"),
    example("issue_comment", "created", false), // on an issue, not a pull request
    example("issue_comment", "edited"),
  ].map((p) => {
    const e = parseGithubEvent("issue_comment", bytes(p));
    return outcome(e);
  });
  assert.deepEqual(reasons, [
    "the comment is not a /loom command",
    "the comment is not a /loom command",
    "the comment is not a /loom command",
    "the comment is on an issue, not a pull request",
    "issue_comment action edited is not handled",
  ]);
});

Deno.test("Loom's own comments never become commands", () => {
  const bot = { login: "loom-review[bot]", type: "Bot" };
  const own = parseGithubEvent("issue_comment", bytes(prComment("/loom help", bot)), {
    botLogin: "loom-review[bot]",
  });
  assert.deepEqual(own, { type: "ignored", reason: "the comment is Loom's own" });
  // Under a personal token Loom posts as a user: its hidden marker gives it away.
  const marked = parseGithubEvent(
    "issue_comment",
    bytes(prComment("/loom review\n\n<!-- loom:reply -->")),
  );
  assert.deepEqual(marked, { type: "ignored", reason: "the comment is Loom's own" });
  // Another bot with the same command is still obeyed.
  const other = parseGithubEvent(
    "issue_comment",
    bytes(prComment("/loom review", { login: "renovate[bot]", type: "Bot" })),
    { botLogin: "loom-review[bot]" },
  );
  assert.equal(other.type, "command");
});

Deno.test("malformed deliveries throw WebhookPayloadError naming the problem", () => {
  const noSha = example("pull_request", "opened");
  delete noSha.pull_request.head.sha;
  const badNumber = example("pull_request", "synchronize");
  badNumber.number = "2";
  const noRepo = prComment("/loom review");
  delete noRepo.repository;
  const cases: [string | null, Uint8Array, RegExp][] = [
    ["pull_request", bytes("{not json"), /not valid JSON/],
    ["pull_request", bytes(noSha), /pull_request payload: pull_request\.head\.sha is missing/],
    ["pull_request", bytes(badNumber), /pull_request payload: number: .*expected number/],
    ["issue_comment", bytes(noRepo), /issue_comment payload: repository is missing/],
    ["pull_request", bytes({ number: 1 }), /pull_request payload: action is missing/],
    [null, bytes({}), /X-GitHub-Event header is missing/],
  ];
  for (const [event, body, message] of cases) {
    assert.match(payloadError(() => parseGithubEvent(event, body)), message);
  }
});

Deno.test("path traversal: a repository name with .. segments or path tricks is refused when parsed", () => {
  for (const name of ["octo/..", "../admin", "octo/app%2F..%2Fadmin", "octo/./app", "octo/a?b=1"]) {
    const pr = example("pull_request", "opened");
    pr.repository.full_name = name;
    assert.match(
      payloadError(() => parseGithubEvent("pull_request", bytes(pr))),
      /^pull_request payload: repository\.full_name: not a repository name/,
      name,
    );
    const comment = prComment("/loom review");
    comment.repository.full_name = name;
    assert.match(
      payloadError(() => parseGithubEvent("issue_comment", bytes(comment))),
      /not a repository name/,
    );
  }
});
