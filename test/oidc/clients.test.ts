// Registering OpenID clients: who may, what redirect URIs are accepted, the secret shown once and stored hashed,
// list and revoke.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { staleSession } from "../support/flows";
import { TEST_SECRETS } from "../support/secrets";
import { codeFlow, orgClient, REDIRECT, tokenRequest } from "./support";

useTestClock();

const body = { name: "App", type: "confidential", redirectUris: [REDIRECT] };

describe("OpenID client registration", () => {
  it("lets the operator register a platform client, shows its secret once, and revokes it", async () => {
    const r = await callJson<{ clientId: string; clientSecret: string }>("/api/platform/oidc-clients", {
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
      body,
    });
    expect(r.status).toBe(201);
    expect(r.body.clientId).toMatch(/^pc\./);
    expect(r.body.clientSecret.length).toBeGreaterThanOrEqual(43);
    const shown = await callJson(`/api/platform/oidc-clients/${r.body.clientId}`, { bearer: TEST_SECRETS.PLATFORM_TOKEN });
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain(r.body.clientSecret);
    expect(shown.body).not.toHaveProperty("secretHash");
    expect(
      (await call(`/api/platform/oidc-clients/${r.body.clientId}`, { method: "DELETE", bearer: TEST_SECRETS.PLATFORM_TOKEN })).status,
    ).toBe(204);
    expect((await call(`/api/platform/oidc-clients/${r.body.clientId}`, { bearer: TEST_SECRETS.PLATFORM_TOKEN })).status).toBe(404);
  });

  it("refuses platform registration without the operator token, and org registration to technicians and API keys", async () => {
    expect((await call("/api/platform/oidc-clients", { body })).status).toBe(401);
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await signIn((await addUser(admin)).email);
    expect((await call("/api/org/oidc-clients", { cookie: tech, body })).status).toBe(403);
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie: admin, body: { name: "ci", role: "admin" } });
    const byKey = await callJson<{ error: { code: string } }>("/api/org/oidc-clients", { bearer: key.body.key, body });
    expect(byKey.status).toBe(403);
    expect((await callJson<{ clients: unknown[] }>("/api/org/oidc-clients", { cookie: admin })).body.clients).toEqual([]);
  });

  it("needs step-up for an org client: a stale session gets step_up_required and nothing is registered", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    staleSession();
    const r = await callJson<{ error: { code: string } }>("/api/org/oidc-clients", { cookie: admin, body });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("step_up_required");
    expect((await callJson<{ clients: unknown[] }>("/api/org/oidc-clients", { cookie: admin })).body.clients).toEqual([]);
    const withPassword = await call("/api/org/oidc-clients", {
      cookie: admin,
      body: { ...body, password: "correct horse battery staple" },
    });
    expect(withPassword.status).toBe(201);
  });

  it("accepts only exact https redirect URIs, or http on a loopback host for either type of client", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const refused = [
      { ...body, redirectUris: ["http://localhost.evil.example:8080/cb"] },
      { ...body, redirectUris: ["http://127.0.0.2/cb"] },
      { ...body, redirectUris: ["http://app.example.com/cb"] },
      { ...body, redirectUris: ["https://app.example.com/cb#frag"] },
      { ...body, redirectUris: ["/relative"] },
      { ...body, redirectUris: ["javascript:alert(1)"] },
      { ...body, redirectUris: [] },
      { ...body, type: "public", redirectUris: ["http://evil.example/cb"] },
      { ...body, postLogoutRedirectUris: ["http://bye.example/bye"] },
      // The name is shown on the sign-in page: one plain line, no direction overrides.
      { ...body, name: "Payroll\u202Egnp.exe" },
      { ...body, name: "Two\u2028lines" },
    ];
    for (const b of refused) expect((await call("/api/org/oidc-clients", { cookie: admin, body: b })).status, JSON.stringify(b)).toBe(400);
    const none = await callJson<{ error: { message: string } }>("/api/org/oidc-clients", {
      cookie: admin,
      body: { ...body, redirectUris: [] },
    });
    expect(none.body.error.message).toBe("Field 'redirectUris' must list at least one.");
    const pub = await callJson<{ clientId: string; clientSecret?: string }>("/api/org/oidc-clients", {
      cookie: admin,
      body: { ...body, type: "public", redirectUris: ["http://127.0.0.1:5000/cb", "http://localhost/cb"] },
    });
    expect(pub.status).toBe(201);
    expect(pub.body.clientSecret).toBeUndefined();
    expect(pub.body.clientId).toMatch(new RegExp(`^oc\\.${org.slug}\\.`));
    // A confidential application run on a developer's machine, as a stock OIDC library's example registers it.
    const local = await orgClient(admin, {
      redirectUris: ["http://localhost:3000/callback"],
      postLogoutRedirectUris: ["http://localhost:3000/"],
    });
    expect(local.clientSecret).toBeTruthy();
    expect((await codeFlow(local, admin)).id_token).toBeTruthy();
  });

  it("lists the org's clients without secrets, and a revoked client's tokens stop working", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const list = await callJson<{ clients: Record<string, unknown>[] }>("/api/org/oidc-clients", { cookie: admin });
    expect(list.body.clients.map((c) => c.id)).toEqual([client.clientId]);
    expect(JSON.stringify(list.body)).not.toContain(client.clientSecret as string);
    expect(list.body.clients[0]).not.toHaveProperty("secretHash");
    const tokens = await codeFlow(client, admin, { scope: "openid offline_access" });
    expect((await call(`/api/org/oidc-clients/${client.clientId}`, { method: "DELETE", cookie: admin })).status).toBe(204);
    const refreshed = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body.error).toBe("invalid_client");
    const audit = await callJson<{ events: { type: string }[] }>("/api/org/audit", { cookie: admin });
    expect(audit.body.events.map((e) => e.type)).toEqual(expect.arrayContaining(["oidc.client_created", "oidc.client_revoked"]));
  });
});
