// JSON routes take JSON bodies only. Hono's json validator reads a body of any other type (curl's default
// form type included) as {}, so a form-encoded PATCH answered 200 and changed nothing; now it is 415.
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";

/** What hono's json validator parses: application/json and application/*+json, with any parameters. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const MAY_HAVE_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** A body of another type, or without a content type, is refused (it would be read as {}); no body at all is fine. */
async function hasBody(req: { raw: Request; arrayBuffer(): Promise<ArrayBuffer> }): Promise<boolean> {
  if (req.raw.body === null || req.raw.headers.get("content-length") === "0") return false;
  // Cached by Hono, so a handler can still read it; limitBody has already capped its size.
  return (await req.arrayBuffer()).byteLength > 0;
}

/** Every JSON body is parsed here first (jsonBodiesOnly), so the validators behind it never meet a malformed one. */
const MALFORMED_JSON = "Field 'body' must be valid JSON: it could not be read.";

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export const jsonBodiesOnly: MiddlewareHandler = async (c, next) => {
  if (MAY_HAVE_BODY.has(c.req.method)) {
    const type = c.req.header("content-type");
    // Only a body is refused: `curl -d ''` sends its form type with nothing in it, and that asks for nothing wrong.
    const json = type !== undefined && JSON_MEDIA_TYPE.test(type.split(";")[0]?.trim() ?? "");
    const refused = !json && (await hasBody(c.req));
    if (refused) throw new ApiError("unsupported_media_type");
    const empty = c.req.raw.body === null || c.req.header("content-length") === "0";
    // A JSON body that does not parse is 400 on every route, also on those that read none (logout, revoke-others),
    // which would otherwise act on a malformed request. Hono caches the text, so the route's validator reads the
    // body no second time. Nothing at all (a chunked empty body) is not malformed.
    const text = json && !empty ? await c.req.text() : "";
    if (text !== "" && !parses(text)) throw new ApiError("invalid_request", MALFORMED_JSON);
    // An empty body sent as JSON reads as {}, as one sent without a type does: many HTTP clients set the header on
    // every request, and JSON.parse("") would answer 400 to a request that asked for nothing wrong.
    // (An empty body of another type needs nothing: the validator reads any type but JSON as {}.)
    if (json && text === "") {
      // Without the old Content-Length, so the new request says what it carries if anything forwards it.
      const headers = new Headers(c.req.raw.headers);
      headers.delete("content-length");
      c.req.raw = new Request(c.req.raw, { body: "{}", headers });
      // A chunked empty body was read above: the validator must read the new body, not the cached "".
      c.req.bodyCache = {};
    }
  }
  await next();
};
