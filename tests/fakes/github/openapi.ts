/**
 * Checks request bodies against GitHub's published OpenAPI description (`@octokit/openapi`,
 * `api.github.com.json`), so a fake that accepts a body GitHub would not is caught in tests.
 *
 * The description is 13 MB and takes about a second to parse, so it is loaded once, lazily, on
 * the first check. The checker covers the subset of JSON Schema GitHub's request bodies use
 * (`$ref`, `type`, `nullable`, `enum`, `required`, `properties`, `items`, `oneOf`, `anyOf`,
 * `allOf`, lengths and bounds) and is stricter than the schema in one way: a property the
 * schema does not declare is reported, because GitHub silently ignores unknown fields, which is
 * how a misspelt `start_line` would ship unnoticed. Written here rather than with `ajv`: ajv
 * would need GitHub's whole document compiled, OpenAPI's `nullable` and its own unknown-keyword
 * settings, and still would not flag undeclared properties.
 * @module
 */

// The import specifier is built at run time so that `deno check` never type-checks 13 MB of JSON.
const SPEC = "@octokit/openapi/generated/" + "api.github.com.json";

/** A JSON Schema object as it appears in the OpenAPI description. */
// deno-lint-ignore no-explicit-any
type Schema = Record<string, any>;

let spec: Promise<Schema> | null = null;

function loadSpec(): Promise<Schema> {
  spec ??= import(SPEC, { with: { type: "json" } }).then((m) => m.default as Schema);
  return spec;
}

/**
 * The problems of `body` as the request body of `method pathTemplate` (a path as GitHub's
 * description spells it, e.g. `/repos/{owner}/{repo}/statuses/{sha}`); empty when it conforms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRequestBody } from "./openapi.ts";
 *
 * const path = "/repos/{owner}/{repo}/statuses/{sha}";
 * const status = { state: "success", context: "loom" };
 * assert.deepEqual(await checkRequestBody("post", path, status), []);
 * assert.deepEqual(await checkRequestBody("post", path, { state: "done" }), [
 *   'body.state: "done" is not one of error, failure, pending, success',
 * ]);
 * ```
 */
export async function checkRequestBody(
  method: string,
  pathTemplate: string,
  body: unknown,
): Promise<string[]> {
  const root = await loadSpec();
  const operation = root.paths?.[pathTemplate]?.[method.toLowerCase()];
  if (!operation) return [`GitHub documents no ${method.toUpperCase()} ${pathTemplate}`];
  const requestBody = resolve(root, operation.requestBody);
  const schema = requestBody?.content?.["application/json"]?.schema;
  if (!schema) return body === undefined ? [] : ["GitHub documents no JSON body for this call"];
  if (body === undefined) return requestBody.required ? ["body is required"] : [];
  return checkSchema(body, schema, root, "body");
}

/**
 * The problems of `value` against `schema`, where `$ref`s resolve within `root`; each problem
 * starts with the path of the offending value (`body.comments[0].line`).
 */
export function checkSchema(value: unknown, schema: Schema, root: Schema, at: string): string[] {
  const s = resolve(root, schema);
  if (!s || typeof s !== "object") return [];
  if (value === null) {
    if (
      s.nullable === true || s.type === "null" || (Array.isArray(s.type) && s.type.includes("null"))
    ) {
      return [];
    }
    if (!s.type && !s.oneOf && !s.anyOf && !s.allOf && !s.enum) return [];
  }
  const problems: string[] = [];
  if (s.allOf) { for (const part of s.allOf) problems.push(...checkSchema(value, part, root, at)); }
  for (const key of ["oneOf", "anyOf"] as const) {
    if (!s[key]) continue;
    const fits = (s[key] as Schema[]).filter((o) => checkSchema(value, o, root, at).length === 0);
    if (fits.length === 0 || (key === "oneOf" && fits.length > 1)) {
      const detail = (s[key] as Schema[]).map((o) => checkSchema(value, o, root, at).join(", "));
      problems.push(
        fits.length === 0
          ? `${at}: matches none of the ${key} alternatives (${detail.join(" | ")})`
          : `${at}: matches more than one oneOf alternative`,
      );
    }
  }
  if (s.type) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => isType(value, t))) {
      problems.push(`${at}: expected ${types.join(" or ")}, got ${describe(value)}`);
      return problems;
    }
  }
  if (s.enum && !s.enum.some((e: unknown) => e === value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${s.enum.join(", ")}`);
  }
  if (typeof value === "string") {
    if (typeof s.maxLength === "number" && value.length > s.maxLength) {
      problems.push(`${at}: longer than ${s.maxLength} characters`);
    }
    if (typeof s.minLength === "number" && value.length < s.minLength) {
      problems.push(`${at}: shorter than ${s.minLength} characters`);
    }
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) {
      problems.push(`${at}: below ${s.minimum}`);
    }
    if (typeof s.maximum === "number" && value > s.maximum) {
      problems.push(`${at}: above ${s.maximum}`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof s.maxItems === "number" && value.length > s.maxItems) {
      problems.push(`${at}: more than ${s.maxItems} items`);
    }
    if (typeof s.minItems === "number" && value.length < s.minItems) {
      problems.push(`${at}: fewer than ${s.minItems} items`);
    }
    if (s.items) {
      value.forEach((item, i) => problems.push(...checkSchema(item, s.items, root, `${at}[${i}]`)));
    }
  }
  if (isObject(value) && (s.properties || s.required || s.additionalProperties !== undefined)) {
    const properties: Schema = s.properties ?? {};
    for (const name of s.required ?? []) {
      if (!(name in value)) problems.push(`${at}.${name}: is required`);
    }
    for (const [name, v] of Object.entries(value)) {
      if (name in properties) {
        problems.push(...checkSchema(v, properties[name], root, `${at}.${name}`));
      } else if (isObject(s.additionalProperties)) {
        problems.push(...checkSchema(v, s.additionalProperties, root, `${at}.${name}`));
      } else if (s.properties && s.additionalProperties !== true && !s.oneOf && !s.anyOf) {
        problems.push(`${at}.${name}: is not a property GitHub documents`);
      }
    }
  }
  return problems;
}

function resolve(root: Schema, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let hops = 0; s && typeof s.$ref === "string" && hops < 32; hops++) {
    const ref: string = s.$ref;
    if (!ref.startsWith("#/")) return undefined;
    s = ref.slice(2).split("/").reduce<Schema | undefined>(
      (node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")],
      root,
    );
  }
  return s;
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
