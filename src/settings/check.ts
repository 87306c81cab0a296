/**
 * Checks: each pairs a zod schema with the sentence the README shows, so the documented range is
 * the enforced one. Schemas take `unknown` because a value may be a flag or environment string or
 * a typed YAML value; both are held to the same rule.
 * @module
 */
import { z } from "zod";

/** How one setting's value is validated, and the rule as the settings table states it. */
export interface Check<T> {
  /** Parses a flag or variable string, or a YAML value, into the setting's value. */
  schema: z.ZodType<T>;
  /** The accepted values in one sentence for the README (`Integer, 0 to 65535.`); may be empty. */
  rule: string;
}

// Only plain decimal digits count as an integer: Number() would accept "", " 8", "0x1F" and
// "1e3", each of which is more likely a mistake than an intent.
const INTEGER_TEXT = /^-?[0-9]+$/;

/** An integer in `[min, max]`, written in plain decimal digits when given as text. */
export function integer(min: number, max: number): Check<number> {
  const error = `must be an integer between ${min} and ${max}`;
  return {
    rule: `Integer, ${min} to ${max}.`,
    schema: z.preprocess(
      (v) => (typeof v === "string" && INTEGER_TEXT.test(v) ? Number(v) : v),
      z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
    ),
  };
}

/** Any non-empty text. */
export const text: Check<string> = {
  rule: "",
  schema: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
};

/**
 * A secret of at least `minLength` characters; `why` tells the operator what a short one would
 * put at risk.
 */
export function secretText(minLength: number, why: string): Check<string> {
  const error = `must be at least ${minLength} characters: ${why}`;
  return {
    rule: `At least ${minLength} characters.`,
    schema: z.string({ error: "must be a string" }).min(minLength, { error }),
  };
}

/** One of a fixed list of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): Check<T[number]> {
  const list = values.join(", ");
  return { rule: `One of ${list}.`, schema: z.enum(values, { error: `must be one of ${list}` }) };
}

function parsesAsUrl(s: string): URL | undefined {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function isHttpUrl(s: string): boolean {
  const url = parsesAsUrl(s);
  return url !== undefined && (url.protocol === "http:" || url.protocol === "https:");
}

/** An `http://` or `https://` URL: an API root or an instance. */
export const httpUrl: Check<string> = {
  rule: "An http(s) URL.",
  schema: z.string({ error: "must be a string" }).refine(isHttpUrl, {
    error: "must be an http:// or https:// URL",
  }),
};

function isDbUrl(s: string): boolean {
  if (s === ":memory:") return true;
  if (s.startsWith("file:")) return s.length > "file:".length;
  return /^postgres(ql)?:\/\//.test(s) && parsesAsUrl(s) !== undefined;
}

/** Where the store lives: a SQLite file, memory, or a PostgreSQL URL. */
export const dbUrl: Check<string> = {
  rule: "`file:PATH`, `:memory:`, `postgres://…` or `postgresql://…`.",
  schema: z.string({ error: "must be a string" }).refine(isDbUrl, {
    error: "must be file:PATH, :memory:, or a postgres:// or postgresql:// URL",
  }),
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function entryError(what: string) {
  return (issue: { input?: unknown }) => `entry ${JSON.stringify(issue.input)} is not ${what}`;
}

/** A list entry naming an environment variable (its rule reads as a plural for {@link listOf}). */
export const envName: Check<string> = {
  rule: "environment variable names",
  schema: z.string().regex(ENV_NAME, { error: entryError("an environment variable name") }),
};

/** A list entry that is an http(s) URL (its rule reads as a plural for {@link listOf}). */
export const httpUrlEntry: Check<string> = {
  rule: "http(s) URLs",
  schema: z.string().refine(isHttpUrl, { error: entryError("an http:// or https:// URL") }),
};

function isKeyBinding(s: string): boolean {
  const eq = s.indexOf("=");
  return eq > 0 && ENV_NAME.test(s.slice(0, eq).trim()) && isHttpUrl(s.slice(eq + 1).trim());
}

/**
 * A list entry binding a key variable to a base URL it may be sent to, `NAME=URL` (its rule
 * reads as a plural for {@link listOf}).
 */
export const keyBindingEntry: Check<string> = {
  rule: "`VARIABLE=BASE_URL` entries",
  schema: z.string().refine(isKeyBinding, {
    error: entryError("VARIABLE=BASE_URL with an http:// or https:// URL"),
  }),
};

/** A list: comma-separated in a flag or variable, a YAML list (or the same text) in the file. */
export function listOf(item: Check<string>): Check<string[]> {
  return {
    rule: `Comma-separated ${item.rule} (a YAML list in loom.yaml).`,
    schema: z.preprocess(
      (v) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v),
      z.array(item.schema, { error: "must be a comma-separated list or a YAML list" }),
    ),
  };
}

/** A number in `[min, max]`, decimals allowed (`2.5`), written in plain digits when given as text. */
export function decimal(min: number, max: number): Check<number> {
  const error = `must be a number between ${min} and ${max}`;
  return {
    rule: `Number, ${min} to ${max}.`,
    schema: z.preprocess(
      (v) => (typeof v === "string" && /^[0-9]+(\.[0-9]+)?$/.test(v) ? Number(v) : v),
      z.number({ error }).min(min, { error }).max(max, { error }),
    ),
  };
}

/**
 * A mapping: a YAML mapping in `loom.yaml`, or the same as a JSON object in a variable or flag.
 * `rule` says what each entry holds.
 */
export function jsonMapping<T>(schema: z.ZodType<T>, rule: string): Check<T> {
  return {
    rule: `${rule} (a JSON object in the variable).`,
    schema: z.preprocess((v) => {
      if (typeof v !== "string") return v;
      try {
        return JSON.parse(v);
      } catch {
        // Left as text for the schema to refuse with its "must be a mapping" message.
        return v;
      }
    }, schema),
  };
}
