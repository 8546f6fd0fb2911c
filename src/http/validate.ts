// zod validation wrapped once: a failure is 400 invalid_request whose message names the field and says what it must
// be, in words a person reads (not the validator's own wording).
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { ApiError } from "../errors";

type Issue = z.core.$ZodIssue;

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

/** The value the issue is about: zod 4 does not keep it in the issue, so it is read from the input. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

function bound(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === "string") {
    if (small && limit === 1) return "must not be empty";
    return `must be ${small ? "at least" : "at most"} ${limit} characters long`;
  }
  if (issue.origin === "array" || issue.origin === "set") {
    if (small && limit === 1) return "must list at least one";
    return `must have ${small ? "at least" : "at most"} ${limit} ${limit === 1 ? "item" : "items"}`;
  }
  if (issue.inclusive === false) return `must be ${small ? "greater" : "less"} than ${limit}`;
  return `must be ${small ? "at least" : "at most"} ${limit}`;
}

/** What the value must be, after "Field 'x' ". */
function requirement(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      return value === undefined ? "is required" : `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return issue.values.length === 1 ? `must be ${quoted(issue.values)}` : `must be one of ${quoted(issue.values)}`;
    case "invalid_union": {
      // A union of literals (totpPeriod): each branch refused one value; together they are the choices.
      const branches = issue.errors.flat();
      if (branches.length > 0 && branches.every((b) => b.code === "invalid_value")) {
        return `must be one of ${quoted(branches.flatMap((b) => (b.code === "invalid_value" ? b.values : [])))}`;
      }
      return "is not valid";
    }
    case "too_small":
    case "too_big":
      return bound(issue);
    case "invalid_format":
      // Our schemas give their formats a message that says what is expected; zod's own start "Invalid".
      return /^invalid/i.test(issue.message) ? `must be a valid ${issue.format}` : issue.message;
    default:
      // Custom refinements: their messages are written to follow the field's name.
      return /^invalid/i.test(issue.message) ? "is not valid" : issue.message;
  }
}

export function describeIssue(error: { issues: readonly Issue[] }, input?: unknown): string {
  const issue = error.issues[0];
  if (!issue) return "The request is not valid.";
  if (issue.code === "unrecognized_keys") return `Field '${issue.keys[0]}' is not allowed.`;
  const field = issue.path.map(String).join(".") || "body";
  return `Field '${field}' ${requirement(issue, valueAt(input, issue.path))}`.replace(/\.?$/, ".");
}

export function validate<T extends z.ZodType, K extends keyof ValidationTargets>(target: K, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw new ApiError("invalid_request", describeIssue(result.error, result.data));
  });
}

/** JSON bodies must be objects; anything else (array, string, null) is refused up front. */
export const json = <T extends z.ZodType>(schema: T) => validate("json", schema);
