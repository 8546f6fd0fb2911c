// GET /api/openapi.json: the HTTP contract as OpenAPI 3.1, request bodies generated from the same zod schemas
// the routes validate with, so the document cannot drift from what is enforced. The entries live by area beside
// this file (and the OpenID provider's in oidc/openapi.ts); their order is the document's.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { OIDC_ENDPOINTS } from "../../oidc/openapi";
import { ACCOUNT_ENDPOINTS } from "./account";
import type { Auth, Endpoint } from "./endpoint";
import { LINK_ENDPOINTS } from "./links";
import { ORG_ENDPOINTS } from "./org";
import { PASSKEY_ENDPOINTS } from "./passkeys";
import { PLATFORM_ENDPOINTS } from "./platform";
import { SIGN_IN_ENDPOINTS } from "./sign-in";

const ENDPOINTS: Endpoint[] = [
  ...PLATFORM_ENDPOINTS,
  ...SIGN_IN_ENDPOINTS,
  ...ACCOUNT_ENDPOINTS,
  ...PASSKEY_ENDPOINTS,
  ...ORG_ENDPOINTS,
  ...LINK_ENDPOINTS,
  { method: "get", path: "/api/openapi.json", summary: "This document", auth: "none", ok: 200 },
  {
    method: "get",
    path: "/healthz",
    summary: "Deployment check: {ok: true}, or 503 {ok: false, problems} with one sentence per missing or bad variable",
    auth: "none",
    ok: 200,
  },
  ...OIDC_ENDPOINTS,
];

const SECURITY: Record<Auth, Record<string, string[]>[]> = {
  none: [],
  session: [{ session: [] }],
  session_or_key: [{ session: [] }, { apiKey: [] }],
  admin: [{ session: [] }, { apiKey: [] }],
  platform: [{ platformToken: [] }],
};

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } },
  },
};

function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const params = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const responses: Record<string, unknown> = { [e.ok]: { description: e.ok === 204 ? "No content" : "OK" } };
    // Every writing route answers a body that is not JSON with 415 (src/http/content-type.ts).
    for (const s of [...(e.errors ?? []), ...(e.method === "get" ? [] : [415])])
      responses[s] = { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    paths[e.path] ??= {};
    (paths[e.path] as Record<string, unknown>)[e.method] = {
      summary: e.summary,
      security: SECURITY[e.auth],
      ...(params.length ? { parameters: params } : {}),
      ...(e.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: z.toJSONSchema(e.body, { io: "input", unrepresentable: "any" }) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Gatehouse",
      version: "1",
      description:
        "Login and two-factor authentication. Errors are {error: {code, message}}; 429 carries Retry-After. Bodies are " +
        "application/json (anything else: 415 unsupported_media_type); every answer carries Cache-Control: no-store.",
    },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "__Host-session" },
        apiKey: { type: "http", scheme: "bearer", description: "An org API key (never asked for a second factor)" },
        platformToken: { type: "http", scheme: "bearer", description: "The operator's PLATFORM_TOKEN" },
      },
    },
  };
}

let cached: ReturnType<typeof buildDocument> | undefined;

export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) => {
  cached ??= buildDocument();
  return c.json(cached);
});
