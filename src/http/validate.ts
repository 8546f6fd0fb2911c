// zod validation wrapped once: a failure is 400 invalid_request whose message names the field.
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { ApiError } from "../errors";

export function describeIssue(error: { issues: readonly z.core.$ZodIssue[] }): string {
  const issue = error.issues[0];
  if (!issue) return "The request is not valid.";
  const field = issue.path.map(String).join(".") || "body";
  if (issue.code === "invalid_type" && issue.input === undefined) return `Field '${field}' is required.`;
  if (issue.code === "unrecognized_keys") return `Field '${issue.keys[0]}' is not allowed.`;
  return `Field '${field}' ${issue.message.replace(/^Invalid input: /i, "is invalid: ")}`.replace(/\.?$/, ".");
}

export function validate<T extends z.ZodType, K extends keyof ValidationTargets>(target: K, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw new ApiError("invalid_request", describeIssue(result.error));
  });
}

/** JSON bodies must be objects; anything else (array, string, null) is refused up front. */
export const json = <T extends z.ZodType>(schema: T) => validate("json", schema);
