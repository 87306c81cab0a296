import assert from "node:assert/strict";
import {
  commentPayload,
  type Payload,
  type PayloadPullRequest,
  pullRequestPayload,
} from "../../tests/fakes/bitbucket/payloads.ts";
import { parseBitbucketEvent } from "./events.ts";
import {
  assertReadsEveryCommand,
  bytes,
  outcome,
  payloadError,
} from "../../tests/support/event_cases.ts";

const PR: PayloadPullRequest = {
  repo: "team_name/repo_name",
  id: 1,
  headHash: "d3022fc0ca3d",
  baseHash: "ce5965ddd289",
  headRef: "branch2",
  baseRef: "master",
};
const REPO = { platform: "bitbucket", fullName: "team_name/repo_name" };

/** The review event PR's deliveries ask for. */
function reviewOf(reason: "opened" | "new_commits") {
  return {
    type: "review",
    reason,
    repo: REPO,
    pr: 1,
    headSha: "d3022fc0ca3d",
    baseRef: "master",
    draft: false,
    actor: "emmap1",
  };
}

Deno.test("pullrequest:created and updated ask for a review of the source commit", () => {
  assert.deepEqual(
    parseBitbucketEvent("pullrequest:created", bytes(pullRequestPayload(PR))),
    reviewOf("opened"),
  );
  // `updated` also fires for title and reviewer edits: the head decides, in intake.
  const updated = parseBitbucketEvent(
    "pullrequest:updated",
    bytes(pullRequestPayload({ ...PR, title: "Renamed" })),
  );
  assert.deepEqual(updated, reviewOf("new_commits"));
  const pushed = parseBitbucketEvent("pullrequest:push", bytes(pullRequestPayload(PR)));
  assert.equal(pushed.type === "review" && pushed.reason, "new_commits");
});

Deno.test("heads are compared as 12 lower-case characters, whatever length Bitbucket sends", () => {
  const full = "D3022FC0CA3D" + "a".repeat(28);
  const payload = pullRequestPayload(PR);
  payload.pullrequest.source.commit.hash = full;
  const event = parseBitbucketEvent("pullrequest:updated", bytes(payload));
  assert.equal(event.type === "review" && event.headSha, "d3022fc0ca3d");
});

Deno.test("a draft is reported as a draft; an update of a closed pull request is ignored", () => {
  const draft = parseBitbucketEvent(
    "pullrequest:created",
    bytes(pullRequestPayload({ ...PR, draft: true })),
  );
  assert.equal(draft.type === "review" && draft.draft, true);
  const noDraftField = pullRequestPayload(PR);
  delete noDraftField.pullrequest.draft;
  const older = parseBitbucketEvent("pullrequest:created", bytes(noDraftField));
  assert.equal(older.type === "review" && older.draft, false);
  assert.deepEqual(
    parseBitbucketEvent(
      "pullrequest:updated",
      bytes(pullRequestPayload({ ...PR, state: "MERGED" })),
    ),
    { type: "ignored", reason: "the pull request is merged" },
  );
});

Deno.test("fulfilled and rejected close the pull request; other events are ignored by name", () => {
  for (const key of ["pullrequest:fulfilled", "pullrequest:rejected"]) {
    assert.deepEqual(
      parseBitbucketEvent(key, bytes(pullRequestPayload({ ...PR, state: "MERGED" }))),
      {
        type: "closed",
        repo: REPO,
        pr: 1,
      },
    );
  }
  for (const key of ["pullrequest:approved", "pullrequest:comment_updated", "repo:push"]) {
    assert.deepEqual(parseBitbucketEvent(key, bytes({})), {
      type: "ignored",
      reason: `event ${key} is not handled`,
    });
  }
});

Deno.test("a /loom comment is a command from its author, inline or not", () => {
  const user = { display_name: "Ana Lyst", nickname: "ana", account_id: "557058:ana" };
  assert.deepEqual(
    parseBitbucketEvent(
      "pullrequest:comment_created",
      bytes(commentPayload(PR, { raw: "/loom review", user })),
    ),
    {
      type: "command",
      command: "review",
      repo: REPO,
      pr: 1,
      author: "ana",
      authorId: "557058:ana",
    },
  );
  assertReadsEveryCommand((raw) =>
    parseBitbucketEvent(
      "pullrequest:comment_created",
      bytes(commentPayload(PR, { raw, inline: { path: "a.ts", to: 3 } })),
    )
  );
  // The documented Comment entity has no `user`: the actor wrote it.
  const payload = commentPayload(PR, { raw: "/loom review", user });
  delete payload.comment.user;
  const event = parseBitbucketEvent("pullrequest:comment_created", bytes(payload));
  assert.equal(event.type === "command" && event.author, "ana");
});

Deno.test("other comments, and Loom's own whatever they say, are ignored with a reason", () => {
  const reasons = [
    "/loomy review",
    "please /loom review",
    "LGTM\n/loom review",
    "[loom-reply]: #\n\n/loom review re-runs the review.",
    "/loom review\n\n[loom-fp-0123abcd]: #",
    "[loom-summary]: #\n\n## Loom review",
  ].map((raw) => {
    const e = parseBitbucketEvent(
      "pullrequest:comment_created",
      bytes(commentPayload(PR, { raw })),
    );
    return outcome(e);
  });
  assert.deepEqual(reasons, [
    "the comment is not a /loom command",
    "the comment is not a /loom command",
    "the comment is not a /loom command",
    "the comment is Loom's own",
    "the comment is Loom's own",
    "the comment is Loom's own",
  ]);
});

Deno.test("malformed deliveries throw WebhookPayloadError naming the problem", () => {
  const noHash = pullRequestPayload(PR);
  delete noHash.pullrequest.source.commit.hash;
  const badId = pullRequestPayload(PR);
  badId.pullrequest.id = "1";
  const noRepo: Payload = commentPayload(PR, { raw: "/loom review" });
  delete noRepo.repository;
  const badName = pullRequestPayload(PR);
  badName.repository.full_name = "just-a-name";
  const notAHash = pullRequestPayload(PR);
  notAHash.pullrequest.source.commit.hash = "main";
  const cases: [string | null, Uint8Array, RegExp][] = [
    ["pullrequest:created", bytes("{not json"), /not valid JSON/],
    [
      "pullrequest:created",
      bytes(noHash),
      /pullrequest:created payload: pullrequest\.source\.commit\.hash is missing/,
    ],
    ["pullrequest:updated", bytes(badId), /pullrequest:updated payload: pullrequest\.id: /],
    ["pullrequest:comment_created", bytes(noRepo), /payload: repository is missing/],
    [
      "pullrequest:fulfilled",
      bytes({ repository: { full_name: "a/b" } }),
      /pullrequest is missing/,
    ],
    ["pullrequest:created", bytes(badName), /repository\.full_name: expected workspace\/repo_slug/],
    ["pullrequest:created", bytes(notAHash), /source\.commit\.hash: expected a commit hash/],
    [null, bytes({}), /X-Event-Key header is missing/],
  ];
  for (const [event, body, message] of cases) {
    assert.match(payloadError(() => parseBitbucketEvent(event, body)), message);
  }
});

Deno.test("path traversal: a repository name with .. segments or path tricks is refused when parsed", () => {
  for (const name of ["ws/..", "../app", "ws/app%2F..%2Fadmin", "./app", "ws/app?x=1"]) {
    const pr = pullRequestPayload(PR);
    pr.repository.full_name = name;
    assert.match(
      payloadError(() => parseBitbucketEvent("pullrequest:created", bytes(pr))),
      /^pullrequest:created payload: repository\.full_name: not a repository name/,
      name,
    );
    const comment: Payload = commentPayload(PR, { raw: "/loom review" });
    comment.repository.full_name = name;
    assert.match(
      payloadError(() => parseBitbucketEvent("pullrequest:comment_created", bytes(comment))),
      /not a repository name/,
    );
  }
});
