// The OAuth endpoints' form bodies (application/x-www-form-urlencoded: RFC 6749 3.2, OIDC Core 3.1.2.1), read one
// way for the token endpoint and for the browser's form posts to authorize and logout.
import type { Context } from "hono";
import { errorPage } from "./error-page";

export const FORM_TYPE = "application/x-www-form-urlencoded";

export function isForm(c: Context): boolean {
  return (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() === FORM_TYPE;
}

/** The parameters, decoded from the bytes: workerd warns in the log on .text() of a form-typed body. */
export async function decodeForm(c: Context): Promise<URLSearchParams> {
  return new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
}

export function hasRepeats(params: URLSearchParams): boolean {
  return [...new Set(params.keys())].some((k) => params.getAll(k).length > 1);
}

/**
 * A browser's form post of a request the GET takes in its query (`what`: "authorization", "signOut"): the
 * parameters, or an error page (415 for another content type, 400 for parameters in the query too).
 */
export async function pageForm(c: Context, what: "authorization" | "signOut"): Promise<URLSearchParams | Response> {
  if (!isForm(c)) return errorPage(c, (e) => e.notForm[what], 415);
  // One place for the parameters: the query and the form together would leave it unclear which one counts.
  if (new URL(c.req.url).search !== "") return errorPage(c, (e) => e.bothPlaces);
  return decodeForm(c);
}
