import assert from "node:assert/strict";
import {
  issueNoteHook,
  mergeRequestHook,
  mergeRequestNoteHook,
  type Payload,
} from "../../tests/fakes/gitlab/payloads.ts";
import { parseGitlabEvent } from "./events.ts";
import {
  assertReadsEveryCommand,
  bytes,
  outcome,
  payloadError,
} from "../../tests/support/event_cases.ts";

const PROJECT = { id: 14, path: "acme/platform/app" };
const HEAD = "da1560886d4f094c3e6c9ef40349f7d38b5d27d7";
const REPO = { platform: "gitlab", fullName: "acme/platform/app", id: "14" };
const MR = "Merge Request Hook";

const hook = (input: Partial<Parameters<typeof mergeRequestHook>[0]> & { action: string }) =>
  mergeRequestHook({ project: PROJECT, iid: 1, headSha: HEAD, ...input });
const reasonOf = (payload: Payload, header = MR) => {
  return outcome(parseGitlabEvent(header, bytes(payload)).event);
};

Deno.test("open, reopen, update with new commits and draft → ready ask for a review", () => {
  assert.deepEqual(parseGitlabEvent(MR, bytes(hook({ action: "open" }))), {
    event: {
      type: "review",
      reason: "opened",
      repo: REPO,
      pr: 1,
      headSha: HEAD,
      baseRef: "main",
      draft: false,
      // The hook's user: counted per person (LOOM_RATE_LIMIT_PER_USER).
      actor: "alice",
    },
    derivedId: `derived:mr:14:1:${HEAD}:open:opened`,
  });
  assert.equal(reasonOf(hook({ action: "reopen" })), "reopened");
  // `oldrev` is the previous head of the source branch: present only when code changed.
  assert.equal(reasonOf(hook({ action: "update", oldrev: "1".repeat(40) })), "new_commits");
  assert.equal(
    reasonOf(hook({ action: "update", changes: { draft: { previous: true, current: false } } })),
    "ready",
  );
  // Instances from before `draft` replaced `work_in_progress` say it the old way.
  assert.equal(
    reasonOf(
      hook({ action: "update", changes: { work_in_progress: { previous: true, current: false } } }),
    ),
    "ready",
  );
});

Deno.test("a draft merge request is reported as a draft; work_in_progress is read too", () => {
  const draft = parseGitlabEvent(MR, bytes(hook({ action: "open", draft: true }))).event;
  assert.equal(draft.type === "review" && draft.draft, true);
  const old = hook({ action: "open" });
  delete old.object_attributes.draft;
  old.object_attributes.work_in_progress = true;
  const legacy = parseGitlabEvent(MR, bytes(old)).event;
  assert.equal(legacy.type === "review" && legacy.draft, true);
});

Deno.test("close and merge close; approvals, edits and ready → draft are ignored", () => {
  for (const action of ["close", "merge"]) {
    assert.deepEqual(parseGitlabEvent(MR, bytes(hook({ action }))), {
      event: { type: "closed", repo: REPO, pr: 1 },
      derivedId: null,
    });
  }
  assert.deepEqual(
    ["approved", "unapproved", "approval", "unapproval"].map((action) =>
      reasonOf(hook({ action }))
    ),
    [
      "merge_request action approved is not handled",
      "merge_request action unapproved is not handled",
      "merge_request action approval is not handled",
      "merge_request action unapproval is not handled",
    ],
  );
  const titleOnly = hook({
    action: "update",
    changes: { title: { previous: "WIP", current: "Add user search" } },
  });
  assert.equal(
    reasonOf(titleOnly),
    "merge_request update without new commits or a draft → ready change",
  );
  assert.equal(
    reasonOf(hook({ action: "update", changes: { draft: { previous: false, current: true } } })),
    "merge_request update without new commits or a draft → ready change",
  );
});

Deno.test("derived delivery ids tell apart two updates of one head, and notes by their id", () => {
  const push = parseGitlabEvent(MR, bytes(hook({ action: "update", oldrev: "1".repeat(40) })));
  const ready = parseGitlabEvent(
    MR,
    bytes(hook({ action: "update", changes: { draft: { previous: true, current: false } } })),
  );
  assert.equal(push.derivedId, `derived:mr:14:1:${HEAD}:update:new_commits`);
  assert.equal(ready.derivedId, `derived:mr:14:1:${HEAD}:update:ready`);
  const note = parseGitlabEvent(
    "Note Hook",
    bytes(mergeRequestNoteHook({ project: PROJECT, iid: 1, note: "/loom review", noteId: 77 })),
  );
  assert.equal(note.derivedId, "derived:note:14:77");
  assert.equal(parseGitlabEvent(MR, bytes(hook({ action: "approved" }))).derivedId, null);
});

Deno.test("a /loom note on a merge request is a command from its author", () => {
  const note = (text: string) =>
    parseGitlabEvent(
      "Note Hook",
      bytes(mergeRequestNoteHook({ project: PROJECT, iid: 3, note: text, username: "bob" })),
    ).event;
  assert.deepEqual(note("/loom review"), {
    type: "command",
    command: "review",
    repo: REPO,
    pr: 3,
    author: "bob",
    // The members API is asked by user id.
    authorId: "2",
  });
  assertReadsEveryCommand((text) => note(text));
});

Deno.test("notes that are not commands for Loom are ignored with a reason", () => {
  const ignoredReason = (payload: Payload) => {
    const { event } = parseGitlabEvent("Note Hook", bytes(payload));
    return event.type === "ignored" ? event.reason : event.type;
  };
  const onMr = (note: string, extra: Partial<Parameters<typeof mergeRequestNoteHook>[0]> = {}) =>
    mergeRequestNoteHook({ project: PROJECT, iid: 1, note, ...extra });
  assert.deepEqual(
    [
      onMr("/loomy review"),
      onMr("LGTM\n/loom review"),
      onMr("<!-- loom:reply -->\n\n/loom review — re-runs the review."),
      onMr("/loom review", { action: "update" }),
      onMr("/loom review", { system: true }),
      issueNoteHook({ project: PROJECT, note: "/loom review" }),
    ].map(ignoredReason),
    [
      "the note is not a /loom command",
      "the note is not a /loom command",
      "the note is Loom's own",
      "note action update is not handled",
      "the note is a system note",
      "the note is not on a merge request (noteable_type Issue)",
    ],
  );
  // Before GitLab 16.11 notes carried no action: a note was always a new one.
  const old = onMr("/loom review");
  delete old.object_attributes.action;
  assert.equal(parseGitlabEvent("Note Hook", bytes(old)).event.type, "command");
});

Deno.test("other events are ignored by name; system hooks and a missing header go by object_kind", () => {
  assert.deepEqual(parseGitlabEvent("Push Hook", bytes("not even json")), {
    event: { type: "ignored", reason: "event Push Hook is not handled" },
    derivedId: null,
  });
  assert.equal(reasonOf(hook({ action: "open" }), "System Hook"), "opened");
  const { event } = parseGitlabEvent(null, bytes(hook({ action: "reopen" })));
  assert.equal(event.type === "review" && event.reason, "reopened");
  assert.deepEqual(parseGitlabEvent("System Hook", bytes({ object_kind: "push" })).event, {
    type: "ignored",
    reason: "object_kind push is not handled",
  });
});

Deno.test("malformed bodies and missing fields are WebhookPayloadErrors naming the field", () => {
  const problem = (header: string | null, body: unknown) =>
    payloadError(() => parseGitlabEvent(header, bytes(body)));
  assert.equal(problem(MR, "{not json"), "the body is not valid JSON");
  assert.equal(
    problem(MR, { object_attributes: {} }),
    "Merge Request Hook payload: object_kind is missing",
  );
  assert.equal(
    problem(MR, mergeRequestNoteHook({ project: PROJECT, iid: 1, note: "x" })),
    "Merge Request Hook payload: object_kind is note",
  );
  const noCommit = hook({ action: "open" });
  delete noCommit.object_attributes.last_commit;
  assert.equal(
    problem(MR, noCommit),
    "merge_request payload: object_attributes.last_commit is missing",
  );
  const noProject = hook({ action: "update", oldrev: "1".repeat(40) });
  delete noProject.project;
  assert.equal(problem(MR, noProject), "merge_request payload: project is missing");
  const badIid = hook({ action: "close" });
  badIid.object_attributes.iid = "1";
  assert.match(problem(MR, badIid), /^merge_request payload: object_attributes\.iid: /);
  const noMr = mergeRequestNoteHook({ project: PROJECT, iid: 1, note: "/loom review" });
  delete noMr.merge_request;
  assert.equal(problem("Note Hook", noMr), "note payload: merge_request is missing");
});

Deno.test("path traversal: a project path with .. segments or path tricks is refused when parsed", () => {
  for (const path of ["acme/../admin", "..", "acme/app%2F..%2Fadmin", "acme//app", "acme/app?x"]) {
    const mr = hook({ action: "open" });
    mr.project.path_with_namespace = path;
    assert.match(
      payloadError(() => parseGitlabEvent(MR, bytes(mr))),
      /^merge_request payload: project\.path_with_namespace: not a repository name/,
      path,
    );
    const note = mergeRequestNoteHook({ project: PROJECT, iid: 1, note: "/loom review" });
    note.project.path_with_namespace = path;
    assert.match(
      payloadError(() => parseGitlabEvent("Note Hook", bytes(note))),
      /not a repository name/,
    );
  }
});
