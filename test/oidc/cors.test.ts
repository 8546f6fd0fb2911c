// A browser application (a public client) calls discovery, the keys, the token endpoint, userinfo and revocation
// from its own origin: each answers CORS for any origin, never with credentials; pages and authorize do not.
import { describe, expect, it } from "vitest";
import { call } from "../support/api";

const APP = "https://spa.example";

describe("CORS for a browser application", () => {
  it("lets any origin read discovery and the keys, without credentials", async () => {
    for (const path of ["/.well-known/openid-configuration", "/oauth/jwks"]) {
      const res = await call(path, { headers: { origin: APP } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("answers the preflight of the token, userinfo and revocation endpoints", async () => {
    for (const path of ["/oauth/token", "/oauth/userinfo", "/oauth/revoke"]) {
      const res = await call(path, {
        method: "OPTIONS",
        headers: { origin: APP, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-methods")).toContain("POST");
      expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    }
  });

  it("marks the token endpoint's answers, errors included, and lets the application read WWW-Authenticate", async () => {
    const res = await call("/oauth/token", {
      headers: { origin: APP, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "authorization_code", code: "nope", client_id: "nope" }).toString(),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const info = await call("/oauth/userinfo", { headers: { origin: APP } });
    expect(info.status).toBe(401);
    expect(info.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("www-authenticate");
  });

  it("gives none to pages, authorize, logout or the JSON API", async () => {
    for (const path of ["/", "/oauth/authorize?client_id=x", "/oauth/logout", "/api/me"]) {
      const res = await call(path, { headers: { origin: APP } });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});
