/**
 * The chat commands Loom answers on a pull request, described for people: the text `/loom help`
 * answers with. (Recognising a command in a comment is each platform's parse, in `adapters/`.)
 * @module
 */

/** The comment `/loom help` answers with. */
export const HELP_TEXT =
  `**Loom** commands, as a comment on this pull request (from people with write access):

- \`/loom review\`: review the pull request now: what changed since the last review.
- \`/loom full-review\`: review the whole pull request again, from scratch.
- \`/loom pause\`: stop reviewing new pushes to this pull request; commands still work.
- \`/loom resume\`: review new pushes again (and the current head, if a pause skipped it).
- \`/loom resolve\`: resolve all of Loom's open review threads.
- \`/loom config\`: show the config reviews use here: each value and where it came from, and any errors.
- \`/loom help\`: show this help.

Loom also reviews every new commit pushed to the pull request, unless it is paused or a rule of
\`triggers\` skips it (the status then says why). A line \`/loom ignore\` in the description skips
automatic reviews. Settings live in \`.loom/config.yaml\` on the base branch.`;
