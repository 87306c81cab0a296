import assert from "node:assert/strict";
import { chatCommand } from "./chat_command.ts";

/** Asserts what `chatCommand` reads from each text of `cases`. */
function reads(cases: Record<string, ReturnType<typeof chatCommand>>) {
  for (const [text, command] of Object.entries(cases)) {
    assert.equal(chatCommand(text), command, JSON.stringify(text));
  }
}

Deno.test("the first line's /loom review and /loom help are commands, whatever their case", () => {
  reads({
    "/loom review": "review",
    "  /LOOM Review  \nthanks": "review",
    "/loom help": "help",
    "/loom\r\nmore": "help",
  });
});

Deno.test("every command of the life of a review is read, with words after it allowed", () => {
  reads({
    "/loom full-review": "full-review",
    "/LOOM Full-Review please": "full-review",
    "/loom pause": "pause",
    "/loom pause until the refactor lands": "pause",
    "/loom resume\r\n": "resume",
    "/loom resolve": "resolve",
    "\t/loom config ": "config",
  });
});

Deno.test("/loom alone or with an unknown word asks for help", () => {
  reads({
    "/loom": "help",
    "/loom\tdance": "help",
    "/loom reviews": "help",
    "/loom full_review": "help",
    "/loom ignore": "help",
    "/loom pauses": "help",
    "/loom constructor": "help",
    "/loom __proto__": "help",
  });
});

Deno.test("anything else is not a command", () => {
  reads({
    "": null,
    "/loomy review": null,
    "/loom-pause": null,
    "please /loom review": null,
    "lgtm\n/loom pause": null,
  });
});
