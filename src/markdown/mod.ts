/**
 * Markdown for comments on git platforms: escaping what models write, and code that its content
 * cannot close.
 * @module
 */

export { codeFence, codeSpan } from "./code.ts";
export { escapeBody, escapeInline } from "./escape.ts";
