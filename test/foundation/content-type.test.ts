// JSON routes answer 415 to any other content type (curl's default form type included) instead of reading
// the body as {}; requests without a body, JSON with parameters and application/*+json keep working.
import { describe, expect, it } from "vitest";
import app from "../../src/index";
import { addUser, BASE, call, callJson, createOrg, randomSlug, signIn } from "../support/api";
import { TEST_SECRETS } from "../support/secrets";
import { snapshot } from "../support/storage";
import { exports } from "cloudflare:workers";

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Every JSON route that takes a body: /api/ and /auth/ with a writing method, read from the app itself. */
function jsonRoutes(): [string, string][] {
  const seen = new Set<string>();
  for (const r of app.routes) {
    if (WRITES.has(r.method) && /^\/(api|auth)\//.test(r.path) && !r.path.includes("*")) seen.add(`${r.method} ${r.path}`);
  }
  return [...seen].map((k) => k.split(" ") as [string, string]);
}

/** The page routes that take a POST: forms, not JSON. */
function pageRoutes(): string[] {
  const seen = new Set<string>();
  for (const r of app.routes) {
    if (r.method === "POST" && !/^\/(api|auth|oauth|dev)(\/|$)/.test(r.path) && !r.path.includes("*")) seen.add(r.path);
  }
  return [...seen];
}

const NOT_JSON = [
  ["application/x-www-form-urlencoded", '{"require2fa":true}'],
  ["application/x-www-form-urlencoded", "require2fa=true&email=a%40b.example&name=x&role=admin"],
  ["text/plain", '{"require2fa":true}'],
  ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="require2fa"\r\n\r\ntrue\r\n--x--\r\n'],
] as const;

async function setup() {
  const org = await createOrg();
  const cookie = await signIn(org.admin.email);
  const values: Record<string, string> = { slug: org.slug, id: org.admin.id, token: `gp.${org.slug}.-.${"A".repeat(43)}` };
  const fill = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => values[name] ?? "x");
  const credentials = (path: string) => (path.startsWith("/api/platform/") ? { bearer: TEST_SECRETS.PLATFORM_TOKEN } : { cookie });
  return { org, cookie, fill, credentials };
}

describe("JSON routes refuse other content types", () => {
  it("finds the JSON routes of the app to walk", () => {
    const routes = jsonRoutes().map((r) => r.join(" "));
    expect(routes).toContain("PATCH /api/org/settings");
    expect(routes).toContain("POST /auth/login");
    expect(routes).toContain("POST /api/platform/orgs");
    expect(routes.length).toBeGreaterThan(15);
  });

  it("answers 415 unsupported_media_type on every JSON route for a form or text body, and changes nothing", async () => {
    const { org, fill, credentials } = await setup();
    const before = await snapshot(org.slug);
    for (const [method, template] of jsonRoutes()) {
      const path = fill(template);
      for (const [type, body] of NOT_JSON) {
        const r = await callJson<{ error: { code: string; message: string } }>(path, {
          method,
          body,
          headers: { "content-type": type },
          ...credentials(template),
        });
        expect(r.status, `${method} ${template} with ${type}`).toBe(415);
        expect(Object.keys(r.body)).toEqual(["error"]);
        expect(r.body.error.code).toBe("unsupported_media_type");
        expect(r.body.error.message).toContain("application/json");
      }
    }
    expect(await snapshot(org.slug)).toBe(before);
  });

  it("answers 400 to malformed JSON on every JSON route, those that read no body included, and changes nothing", async () => {
    const { org, cookie, fill, credentials } = await setup();
    const before = await snapshot(org.slug);
    for (const [method, template] of jsonRoutes()) {
      const r = await callJson<{ error: { code: string; message: string } }>(fill(template), {
        method,
        body: "{garbage",
        headers: { "content-type": "application/json" },
        ...credentials(template),
      });
      expect([r.status, r.body.error?.code], `${method} ${template}`).toEqual([400, "invalid_request"]);
      expect(r.body.error.message).toContain("JSON");
    }
    expect(await snapshot(org.slug)).toBe(before);
    // The session is still there: logout and "end all other sessions" did nothing on a malformed request.
    expect((await call("/api/me", { cookie })).status).toBe(200);
  });

  it("refuses a body sent without any content type (it too would read as {})", async () => {
    const { cookie } = await setup();
    const res = await exports.default.fetch(
      new Request(`${BASE}/api/org/settings`, {
        method: "PATCH",
        headers: { cookie },
        body: new TextEncoder().encode('{"require2fa":true}'),
      }),
    );
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.status).toBe(415);
  });

  it("leaves the setting alone when curl sends JSON as a form (its default type)", async () => {
    const { cookie } = await setup();
    const r = await call("/api/org/settings", {
      method: "PATCH",
      cookie,
      body: '{"require2fa":true}',
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(r.status).toBe(415);
    expect((await callJson<{ require2fa: boolean }>("/api/org/settings", { cookie })).body.require2fa).toBe(false);
  });

  it("still takes requests without a body, JSON with a charset, and application/*+json", async () => {
    const { cookie } = await setup();
    expect((await call("/api/me/2fa/setup", { method: "POST", cookie })).status).toBe(200);
    const charset = await callJson<{ require2fa: boolean }>("/api/org/settings", {
      method: "PATCH",
      cookie,
      body: { require2fa: false, totpPeriod: 60 },
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(charset.status).toBe(200);
    const merge = await callJson<{ totpPeriod: number }>("/api/org/settings", {
      method: "PATCH",
      cookie,
      body: { totpPeriod: 30 },
      headers: { "content-type": "application/merge-patch+json" },
    });
    expect(merge.status).toBe(200);
    expect(merge.body.totpPeriod).toBe(30);
    // An empty body of another type asks for nothing wrong either (`curl -d ''` sends the form type).
    const emptyForm = { "content-type": "application/x-www-form-urlencoded" };
    const nothing = await callJson<{ error: { message: string } }>("/api/org/users", { cookie, body: "", headers: emptyForm });
    expect([nothing.status, nothing.body.error.message]).toEqual([400, "Field 'email' is required."]);
    // Still not across sites: the same-origin guard refuses it before anything reads it.
    const crossSite = await call("/auth/logout", {
      method: "POST",
      cookie,
      body: "",
      headers: { ...emptyForm, origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect((await call("/api/me", { cookie })).status).toBe(200);
    expect((await call("/auth/logout", { method: "POST", cookie, body: "", headers: emptyForm })).status).toBe(204);
    const created = await call("/api/platform/orgs", {
      bearer: TEST_SECRETS.PLATFORM_TOKEN,
      body: { slug: randomSlug(), name: "Charset", admin: { email: `a-${randomSlug()}@example.com`, password: "long enough password" } },
      headers: { "content-type": "Application/JSON;charset=UTF-8" },
    });
    expect(created.status).toBe(201);
  });

  it("reads an empty body sent as JSON as {}, as without a content type (clients that always send the header)", async () => {
    const { cookie } = await setup();
    const asJson = { "content-type": "application/json" };
    const setup2fa = await call("/api/me/2fa/setup", { method: "POST", cookie, headers: asJson });
    expect(setup2fa.status).toBe(200);
    const tech = await addUser(cookie);
    const removed = await call(`/api/org/users/${tech.id}`, { method: "DELETE", cookie, headers: { ...asJson, "content-length": "0" } });
    expect(removed.status).toBe(204);
    expect((await callJson<{ users: { id: string }[] }>("/api/org/users", { cookie })).body.users.map((u) => u.id)).not.toContain(tech.id);
    // So does a chunked body with nothing in it (no Content-Length), on a route with a validator as on one without.
    const chunkedEmpty = (path: string) =>
      exports.default.fetch(
        new Request(`${BASE}${path}`, {
          method: "POST",
          headers: { ...asJson, cookie },
          body: new ReadableStream({ start: (controller) => controller.close() }),
        }),
      );
    expect((await chunkedEmpty("/api/me/2fa/setup")).status).toBe(200);
    // A body that is there but not JSON is still refused, with the reason.
    const broken = await callJson<{ error: { code: string } }>("/api/org/settings", {
      method: "PATCH",
      cookie,
      body: "{",
      headers: asJson,
    });
    expect([broken.status, broken.body.error.code]).toEqual([400, "invalid_request"]);
  });

  it("leaves the pages' form posts to the pages (they are not JSON routes)", async () => {
    const paths = pageRoutes();
    expect(paths).toContain("/login");
    for (const path of paths) {
      const r = await call(path.replace(/:(\w+)/g, "x"), {
        method: "POST",
        body: "email=a%40b.example&password=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(r.status, path).not.toBe(415);
    }
  });
});
