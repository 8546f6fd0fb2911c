import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";

// Every endpoint of the contract (docs/api.md), as "method path".
const CONTRACT = [
  "post /api/platform/orgs",
  "post /api/platform/orgs/{slug}/users/{id}/2fa/reset",
  "post /auth/login",
  "post /auth/login/2fa",
  "post /auth/login/recovery",
  "post /auth/login/enroll",
  "post /auth/login/enroll/confirm",
  "post /auth/logout",
  "get /api/me",
  "post /api/me/2fa/setup",
  "post /api/me/2fa/confirm",
  "get /api/me/2fa/recovery-codes",
  "post /api/me/2fa/recovery-codes",
  "post /api/me/2fa/disable",
  "get /api/org/settings",
  "patch /api/org/settings",
  "get /api/org/users",
  "post /api/org/users",
  "post /api/org/users/{id}/2fa/reset",
  "post /api/org/users/{id}/unlock",
  "get /api/org/api-keys",
  "post /api/org/api-keys",
  "delete /api/org/api-keys/{id}",
  "get /api/org/audit",
];

describe("GET /api/openapi.json", () => {
  it("documents every endpoint of the contract, with request bodies from the validators", async () => {
    const r = await callJson<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>
      >;
    }>("/api/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    const listed = Object.entries(r.body.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    for (const e of CONTRACT) expect(listed).toContain(e);
    const login = r.body.paths["/auth/login"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(Object.keys(login?.properties ?? {})).toEqual(["email", "password", "org"]);
    // Setting up from a pairing link needs the account's password (docs/api.md, "Closing side doors").
    const pairSetup = r.body.paths["/api/pair/{token}/setup"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(Object.keys(pairSetup?.properties ?? {})).toEqual(["password"]);
  });
});
