import assert from "node:assert/strict";
import {
  giteaCommentPayload,
  giteaPullRequestPayload,
  type Payload,
} from "../../tests/fakes/gitea/payloads.ts";
import { parseGiteaEvent } from "./events.ts";
import {
  assertReadsEveryCommand,
  bytes as body,
  outcome,
  payloadError,
} from "../../tests/support/event_cases.ts";

const HEAD = "788ed8d02d3b7fcfcf6386dbcbca696aa1d4dc25";
const REPO = "Test-CI/multi-line-secrets";
/** Gitea sends its JSON indented. */
const bytes = (value: unknown) => body(value, 2);

/** Headers as Gitea sets them: the fine type and the coarse event. */
const gitea = (type: string, event = type) => ({ type, event });

const pull = (action: string, extra: Partial<Parameters<typeof giteaPullRequestPayload>[0]> = {}) =>
  giteaPullRequestPayload({ action, repo: REPO, pr: 2, headSha: HEAD, ...extra });

function reasonOf(type: string, event: string, payload: Payload | string, botLogin?: string) {
  return outcome(parseGiteaEvent(gitea(type, event), bytes(payload), { botLogin }));
}

Deno.test("pull_request opened asks for a review of its head, on its base branch", () => {
  assert.deepEqual(parseGiteaEvent(gitea("pull_request"), bytes(pull("opened"))), {
    type: "review",
    reason: "opened",
    repo: { platform: "gitea", fullName: REPO },
    pr: 2,
    headSha: HEAD,
    baseRef: "main",
    draft: false,
    // The sender: counted per person (LOOM_RATE_LIMIT_PER_USER).
    actor: "alice",
  });
});

Deno.test("pull_request_sync synchronized is new commits; reopened is reopened", () => {
  assert.equal(reasonOf("pull_request_sync", "pull_request", pull("synchronized")), "new_commits");
  assert.equal(reasonOf("pull_request", "pull_request", pull("reopened")), "reopened");
  // Versions before X-Gitea-Event-Type: the coarse event name alone.
  const old = parseGiteaEvent({ type: null, event: "pull_request" }, bytes(pull("synchronized")));
  assert.equal(old.type === "review" && old.reason, "new_commits");
});

Deno.test("a WIP or Draft title prefix, in any case, makes a draft", () => {
  const drafts = ["WIP: Add search", "[WIP] Add search", "draft: add search", "[Draft] x", "Add"]
    .map((title) => {
      const e = parseGiteaEvent(gitea("pull_request"), bytes(pull("opened", { title })));
      return e.type === "review" && e.draft;
    });
  assert.deepEqual(drafts, [true, true, true, true, false]);
  // Gitea's own `draft` (configured prefixes) counts even when the title has none Loom knows.
  const payload = pull("opened", { title: "🚧 Add search" });
  payload.pull_request.draft = true;
  const e = parseGiteaEvent(gitea("pull_request"), bytes(payload));
  assert.equal(e.type === "review" && e.draft, true);
});

Deno.test("a title that drops its WIP prefix is draft → ready; other edits are ignored", () => {
  const ready = pull("edited", {
    title: "Add search",
    changes: { title: { from: "WIP: Add search" } },
  });
  assert.equal(reasonOf("pull_request", "pull_request", ready), "ready");
  const stillDraft = pull("edited", {
    title: "[WIP] Add search",
    changes: { title: { from: "WIP: Add search" } },
  });
  const body = pull("edited", { changes: { body: { from: "old text" } } });
  const renamed = pull("edited", { title: "Search", changes: { title: { from: "Find" } } });
  for (const p of [stillDraft, body, renamed]) {
    assert.match(reasonOf("pull_request", "pull_request", p), /edited is not handled/);
  }
});

Deno.test("closed, merged or not, is closed; labels and unknown events are ignored by name", () => {
  for (const merged of [false, true]) {
    assert.deepEqual(parseGiteaEvent(gitea("pull_request"), bytes(pull("closed", { merged }))), {
      type: "closed",
      repo: { platform: "gitea", fullName: REPO },
      pr: 2,
    });
  }
  assert.equal(
    reasonOf("pull_request_label", "pull_request", pull("label_updated")),
    "event pull_request_label is not handled",
  );
  assert.equal(
    reasonOf("pull_request", "pull_request", pull("assigned")),
    "pull_request action assigned is not handled",
  );
  assert.equal(reasonOf("push", "push", {}), "event push is not handled");
});

Deno.test("a /loom command in a pull request comment is a command from its author", () => {
  const comment = (body: string, user?: string) =>
    giteaCommentPayload({ repo: REPO, pr: 2, body, user });
  assert.deepEqual(
    parseGiteaEvent(gitea("pull_request_comment", "issue_comment"), bytes(comment("/loom review"))),
    {
      type: "command",
      command: "review",
      repo: { platform: "gitea", fullName: REPO },
      pr: 2,
      author: "alice",
    },
  );
  assertReadsEveryCommand((body) =>
    parseGiteaEvent(gitea("pull_request_comment", "issue_comment"), bytes(comment(body)))
  );
  // Without the fine type, the coarse `issue_comment` with `is_pull` is the same comment.
  const coarse = parseGiteaEvent({ type: null, event: "issue_comment" }, bytes(comment("/loom")));
  assert.equal(coarse.type, "command");
});

Deno.test("comments that are not commands for Loom are ignored with a reason", () => {
  const onIssue = giteaCommentPayload({ repo: REPO, pr: 3, body: "/loom review", isPull: false });
  const edited = giteaCommentPayload({ repo: REPO, pr: 2, body: "/loom review", action: "edited" });
  const cases: [string, string, Payload][] = [
    [
      "pull_request_comment",
      "issue_comment",
      giteaCommentPayload({ repo: REPO, pr: 2, body: "/loomy" }),
    ],
    [
      "pull_request_comment",
      "issue_comment",
      giteaCommentPayload({ repo: REPO, pr: 2, body: "LGTM\n/loom review" }),
    ],
    ["issue_comment", "issue_comment", onIssue],
    ["pull_request_comment", "issue_comment", edited],
  ];
  assert.deepEqual(cases.map(([type, event, p]) => reasonOf(type, event, p)), [
    "the comment is not a /loom command",
    "the comment is not a /loom command",
    "the comment is on an issue, not a pull request",
    "pull_request_comment action edited is not handled",
  ]);
});

Deno.test("Loom's own comments never become commands: by marker, and by the token's login", () => {
  const type = "pull_request_comment";
  const marked = giteaCommentPayload({
    repo: REPO,
    pr: 2,
    body: "<!-- loom:reply -->\n\n/loom review — re-runs the review.",
    user: "someone",
  });
  assert.equal(reasonOf(type, "issue_comment", marked), "the comment is Loom's own");
  const byLogin = giteaCommentPayload({ repo: REPO, pr: 2, body: "/loom help", user: "Loom-Bot" });
  assert.equal(reasonOf(type, "issue_comment", byLogin, "loom-bot"), "the comment is Loom's own");
  assert.equal(reasonOf(type, "issue_comment", byLogin, "renovate"), "command");
  assert.equal(reasonOf(type, "issue_comment", byLogin), "command");
});

Deno.test("malformed deliveries throw WebhookPayloadError naming the problem", () => {
  const noSha = pull("opened");
  delete noSha.pull_request.head.sha;
  const badNumber = pull("synchronized");
  badNumber.number = "2";
  const noRepo = giteaCommentPayload({ repo: REPO, pr: 2, body: "/loom review" });
  delete noRepo.repository;
  const noUser = giteaCommentPayload({ repo: REPO, pr: 2, body: "/loom review" });
  delete noUser.comment.user;
  const cases: [{ type: string | null; event: string | null }, Uint8Array, RegExp][] = [
    [gitea("pull_request"), bytes("{not json"), /not valid JSON/],
    [
      gitea("pull_request"),
      bytes(noSha),
      /pull_request payload: pull_request\.head\.sha is missing/,
    ],
    [gitea("pull_request_sync"), bytes(badNumber), /pull_request_sync payload: number: .*number/],
    [
      gitea("pull_request_comment"),
      bytes(noRepo),
      /pull_request_comment payload: repository is missing/,
    ],
    [gitea("pull_request_comment"), bytes(noUser), /comment\.user is missing/],
    [gitea("pull_request"), bytes({ number: 1 }), /pull_request payload: action is missing/],
    [{ type: null, event: null }, bytes({}), /X-Gitea-Event-Type header is missing/],
  ];
  for (const [headers, body, message] of cases) {
    assert.match(payloadError(() => parseGiteaEvent(headers, body)), message);
  }
});

Deno.test("path traversal: a repository name with .. segments or path tricks is refused when parsed", () => {
  for (const name of ["Test-CI/..", "../admin", "o/a%2F..%2Fadmin", "o/./a", "o\\..\\a"]) {
    const pr = pull("opened");
    pr.repository.full_name = name;
    assert.match(
      payloadError(() => parseGiteaEvent(gitea("pull_request"), bytes(pr))),
      /^pull_request payload: repository\.full_name: not a repository name/,
      name,
    );
    const comment = giteaCommentPayload({ repo: REPO, pr: 2, body: "/loom review" });
    comment.repository.full_name = name;
    assert.match(
      payloadError(() => parseGiteaEvent(gitea("issue_comment"), bytes(comment))),
      /not a repository name/,
    );
  }
});
