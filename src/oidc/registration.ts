// The registration body (docs/api.md, OpenID section), shared by the operator's and the admin's routes.
// Redirect URIs are matched exactly later (RFC 9700 2.1; a loopback IP's port aside, redirect.ts), so they are
// checked strictly here: absolute, no fragment (RFC 6749 3.1.2), https; plain http only on a loopback host (RFC 8252
// 7.3: a native app's local listener, or an application run on a developer's machine). A code sent there is worth
// nothing to another local process that catches it: redeeming it needs the PKCE verifier, and for a confidential
// client its secret too.
import { z } from "zod";
import * as f from "../http/fields";
import { MAX_REDIRECT_URIS, MAX_URI_LENGTH } from "./constants";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Why a redirect URI is refused; the API says it in English (below), the Applications page in the viewer's language. */
export type UriProblem = "not_absolute" | "fragment" | "credentials" | "not_https";

export const URI_PROBLEM_WORDS = {
  not_absolute: "must be an absolute URL",
  fragment: "must not have a fragment",
  credentials: "must not carry credentials",
  not_https: "must use https (or http on localhost, 127.0.0.1 or [::1])",
} as const satisfies Record<UriProblem, string>;

export function uriProblem(value: string): UriProblem | null {
  if (!URL.canParse(value)) return "not_absolute";
  const url = new URL(value);
  if (value.includes("#")) return "fragment";
  if (url.username || url.password) return "credentials";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return null;
  return "not_https";
}

const uriList = z.array(z.string().min(1).max(MAX_URI_LENGTH)).max(MAX_REDIRECT_URIS);

export const clientBody = z
  .object({
    name: f.shownName(100),
    type: z.enum(["confidential", "public"]),
    redirectUris: uriList.min(1),
    postLogoutRedirectUris: uriList.optional(),
    // Step-up proof (docs/api.md) for an admin registering an org client.
    ...f.stepUp,
  })
  .superRefine((body, ctx) => {
    for (const field of ["redirectUris", "postLogoutRedirectUris"] as const) {
      (body[field] ?? []).forEach((uri, i) => {
        const problem = uriProblem(uri);
        if (problem) ctx.addIssue({ code: "custom", path: [field, i], message: URI_PROBLEM_WORDS[problem] });
      });
    }
  });
