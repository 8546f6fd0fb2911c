// The pages parse their forms with the JSON API's own schemas: what the API refuses with 400, a form refuses too,
// instead of quietly turning it into something else (an unknown role into a technician, a bad period into none).
import { describe, expect, it } from "vitest";
import { BASE, call, callJson, createOrg, signIn } from "../support/api";

const FORM = { "content-type": "application/x-www-form-urlencoded", origin: BASE, accept: "text/html" };

async function csrfOf(cookie: string, path: string): Promise<string> {
  const html = await (await call(path, { cookie, headers: { accept: "text/html" } })).text();
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
}

describe("page forms and the API's schemas", () => {
  it("refuse an unknown role on Add user, as the API does, and add nobody", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const _csrf = await csrfOf(cookie, "/users");
    const fields = { _csrf, email: "new-person@example.com", password: "long enough pw", role: "owner" };
    const page = await call("/users", { cookie, headers: FORM, body: new URLSearchParams(fields).toString() });
    expect(page.status).toBe(400);
    const api = await call("/api/org/users", { cookie, body: { ...fields, _csrf: undefined } });
    expect(api.status).toBe(400);
    const users = await callJson<{ users: { email: string }[] }>("/api/org/users", { cookie });
    expect(users.body.users.map((u) => u.email)).toEqual([org.admin.email]);
  });

  it("refuse an unknown code period on Settings, as the API does, and change nothing", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const _csrf = await csrfOf(cookie, "/settings");
    const page = await call("/settings", {
      cookie,
      headers: FORM,
      body: new URLSearchParams({ _csrf, require2fa: "on", totpPeriod: "45" }).toString(),
    });
    expect(page.status).toBe(400);
    // A page answers a refusal with a page (its one error handler), never the API's JSON.
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("Check the highlighted fields.");
    expect((await call("/api/org/settings", { method: "PATCH", cookie, body: { totpPeriod: 45 } })).status).toBe(400);
    const settings = await callJson<{ require2fa: boolean; totpPeriod: number }>("/api/org/settings", { cookie });
    expect(settings.body).toEqual({ require2fa: false, totpPeriod: 30, requirePhishingResistant: false });
  });
});
