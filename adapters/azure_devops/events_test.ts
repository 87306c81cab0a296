import assert from "node:assert/strict";
import {
  type Payload,
  pullRequestCommentPayload,
  pullRequestCreatedPayload,
  pullRequestUpdatedPayload,
} from "../../tests/fakes/azure_devops/payloads.ts";
import { azureDevopsEventId, parseAzureDevopsEvent } from "./events.ts";
import {
  assertReadsEveryCommand,
  bytes,
  outcome,
  payloadError,
} from "../../tests/support/event_cases.ts";

const REPO_ID = "4bc14d40-c903-45e2-872e-0462c7748079";
const HEAD = "53d54ac915144006c2c9e90d2c7d3880920db49c";
const PR = { project: "Fabrikam Web", repo: "app", repoId: REPO_ID, pr: 7, headSha: HEAD };
const REPO = { platform: "azure-devops", fullName: "Fabrikam Web/app", id: REPO_ID };

const parse = (payload: unknown) => parseAzureDevopsEvent(bytes(payload));
const comment = (
  content: string,
  extra: Partial<Parameters<typeof pullRequestCommentPayload>[0]> = {},
) => pullRequestCommentPayload({ ...PR, content, ...extra });

Deno.test("git.pullrequest.created asks for a review of lastMergeSourceCommit", () => {
  assert.deepEqual(parse(pullRequestCreatedPayload(PR)), {
    type: "review",
    reason: "opened",
    repo: REPO,
    pr: 7,
    headSha: HEAD,
    baseRef: "main",
    draft: false,
  });
  const draft = parse(
    pullRequestCreatedPayload({ ...PR, isDraft: true, targetRef: "refs/heads/release/2.0" }),
  );
  assert.equal(draft.type === "review" && draft.draft, true);
  assert.equal(draft.type === "review" && draft.baseRef, "release/2.0");
});

Deno.test("git.pullrequest.updated: active is a review of the head, completed or abandoned is closed", () => {
  const pushed = parse(pullRequestUpdatedPayload({ ...PR, headSha: "b".repeat(40) }));
  assert.deepEqual(pushed, {
    type: "review",
    reason: "new_commits",
    repo: REPO,
    pr: 7,
    headSha: "b".repeat(40),
    baseRef: "main",
    draft: false,
  });
  for (const status of ["completed", "abandoned"] as const) {
    assert.deepEqual(parse(pullRequestUpdatedPayload({ ...PR, status })), {
      type: "closed",
      repo: REPO,
      pr: 7,
    });
  }
});

Deno.test("a /loom command in a pull request comment is a command from its author", () => {
  assert.deepEqual(parse(comment("/loom review")), {
    type: "command",
    command: "review",
    repo: REPO,
    pr: 7,
    author: "jamie@fabrikam.example",
    // The identities API is asked by id.
    authorId: "7f3c2a10-5b1e-4c8d-9a6f-2e4b8c1d0f93",
  });
  assertReadsEveryCommand((text) => parse(comment(text)));
});

Deno.test("comments that are not fresh /loom commands are ignored with a reason", () => {
  const deleted = comment("/loom review");
  deleted.resource.comment.isDeleted = true;
  const system = comment("Jamie voted 10");
  system.resource.comment.commentType = "system";
  const reasons = [
    comment("LGTM\n/loom review"),
    comment("/loomy review"),
    // How Loom escapes an answer that starts with a command: it renders the same, reads as text.
    comment("\\/loom review — reviews again"),
    comment("/loom review", { edited: true }),
    deleted,
    system,
  ].map((p) => {
    const e = parse(p);
    return outcome(e);
  });
  assert.deepEqual(reasons, [
    "the comment is not a /loom command",
    "the comment is not a /loom command",
    "the comment is not a /loom command",
    "the comment was edited, not posted",
    "the comment was deleted",
    "a system comment is not a command",
  ]);
});

Deno.test("other events are ignored by name; the event id is the delivery id", () => {
  const merged = pullRequestCreatedPayload(PR);
  merged.eventType = "git.pullrequest.merged";
  const push = { id: "1b2c", eventType: "git.push", resource: {} };
  assert.deepEqual(parse(merged), {
    type: "ignored",
    reason: "event git.pullrequest.merged is not handled",
  });
  assert.deepEqual(parse(push), { type: "ignored", reason: "event git.push is not handled" });
  const created = pullRequestCreatedPayload({
    ...PR,
    eventId: "2ab4e3d3-b7a6-425e-92b1-5a9982c1269e",
  });
  assert.equal(azureDevopsEventId(bytes(created)), "2ab4e3d3-b7a6-425e-92b1-5a9982c1269e");
  assert.equal(azureDevopsEventId(bytes("{not json")), null);
  assert.equal(azureDevopsEventId(bytes({ id: 5 })), null);
});

Deno.test("malformed deliveries throw WebhookPayloadError naming the problem", () => {
  const without = (payload: Payload, drop: (p: Payload) => void) => {
    const copy = structuredClone(payload);
    drop(copy);
    return copy;
  };
  const created = pullRequestCreatedPayload(PR);
  const cases: [unknown, RegExp][] = [
    ["{not json", /not valid JSON/],
    [without(created, (p) => delete p.id), /service hook payload: id is missing/],
    [without(created, (p) => delete p.eventType), /service hook payload: eventType is missing/],
    [
      without(created, (p) => delete p.resource.lastMergeSourceCommit),
      /git\.pullrequest\.created payload: resource\.lastMergeSourceCommit is missing/,
    ],
    [
      without(created, (p) => p.resource.pullRequestId = "7"),
      /git\.pullrequest\.created payload: resource\.pullRequestId: .*expected number/,
    ],
    [
      without(pullRequestUpdatedPayload(PR), (p) => delete p.resource.repository.project),
      /git\.pullrequest\.updated payload: resource\.repository\.project is missing/,
    ],
    [
      without(comment("/loom review"), (p) => delete p.resource.pullRequest),
      /git-pullrequest-comment-event payload: resource\.pullRequest is missing/,
    ],
    [
      comment("/loom review", { resourceVersion: "1.0" }),
      /resource version 1\.0 is not supported; set the service hook's resource version to 2\.0/,
    ],
  ];
  for (const [payload, message] of cases) {
    assert.match(payloadError(() => parse(payload)), message);
  }
});

Deno.test("path traversal: a project or repository name with .. or path tricks is refused when parsed", () => {
  for (const name of ["..", ".", "app%2F..%2Fadmin", "a?b", "a\\..\\b"]) {
    for (const field of ["project", "repo"] as const) {
      const created = pullRequestCreatedPayload({ ...PR, [field]: name });
      assert.match(payloadError(() => parse(created)), /not a repository name/, `${field} ${name}`);
      assert.match(
        payloadError(() => parse(comment("/loom review", { [field]: name }))),
        /not a repository name/,
      );
    }
  }
});
