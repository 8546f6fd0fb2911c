// Names that other people read (a person's, an org's, an API key's) are one plain line: a line break, a control
// character or a direction override would let whoever typed it dress up the words around it in the Users list,
// the audit log or a mail. The API refuses them with 400 naming the field, the pages with words beside the field,
// and nothing is created or changed.
import { describe, expect, it } from "vitest";
import { BASE, call, callJson, createOrg, PASSWORD, randomEmail, randomSlug, signIn } from "../support/api";
import { TEST_SECRETS } from "../support/secrets";

const BAD_NAMES = ["Ada\nAdmin", "Ada\u0000", "Ada\u202Enimda", "Ada\u2028Admin", "\u2066Ada"];
const ONE_LINE = "must not contain line breaks or control characters";
const FORM = { "content-type": "application/x-www-form-urlencoded", origin: BASE, accept: "text/html" };

async function refusedNaming(field: string, res: Promise<{ status: number; body: { error: { code: string; message: string } } }>) {
  const r = await res;
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe("invalid_request");
  expect(r.body.error.message).toBe(`Field '${field}' ${ONE_LINE}.`);
}

describe("names shown to other people", () => {
  it("refuse line breaks, control characters and direction marks in the API, and nothing is made or changed", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const tech = await callJson<{ id: string }>("/api/org/users", {
      cookie,
      body: { email: randomEmail("tech"), password: PASSWORD, name: "Tess Tech", role: "technician" },
    });
    expect(tech.status).toBe(201);
    for (const name of BAD_NAMES) {
      const email = randomEmail("named");
      await refusedNaming("name", callJson("/api/org/users", { cookie, body: { email, password: PASSWORD, name, role: "technician" } }));
      await refusedNaming("name", callJson(`/api/org/users/${tech.body.id}`, { method: "PATCH", cookie, body: { name } }));
      await refusedNaming("name", callJson("/api/org/invites", { cookie, body: { email, role: "technician", name } }));
      await refusedNaming("name", callJson("/api/org/api-keys", { cookie, body: { name, role: "technician" } }));
      const slug = randomSlug();
      const admin = { email, password: PASSWORD };
      const platform = { bearer: TEST_SECRETS.PLATFORM_TOKEN };
      await refusedNaming("name", callJson("/api/platform/orgs", { ...platform, body: { slug, name, admin } }));
      await refusedNaming(
        "admin.name",
        callJson("/api/platform/orgs", { ...platform, body: { slug, name: "Fine", admin: { ...admin, name } } }),
      );
      expect((await call(`/api/platform/orgs/${slug}`, { method: "DELETE", ...platform })).status).toBe(404);
    }
    const users = await callJson<{ users: { email: string; name: string }[] }>("/api/org/users", { cookie });
    expect(users.body.users.map((u) => u.name).sort()).toEqual(["Ada Admin", "Tess Tech"]);
    expect((await callJson<{ invites: unknown[] }>("/api/org/invites", { cookie })).body.invites).toEqual([]);
    expect((await callJson<{ apiKeys: unknown[] }>("/api/org/api-keys", { cookie })).body.apiKeys).toEqual([]);
  });

  it("still take accents, other scripts, inner spaces, and an empty optional name (named after the email)", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (const name of ["Zoë Ñúñez-O’Brien", "山田 太郎", "عليّ", ""]) {
      const r = await callJson<{ name: string; email: string }>("/api/org/users", {
        cookie,
        body: { email: randomEmail("named"), password: PASSWORD, name, role: "technician" },
      });
      expect(r.status, name).toBe(201);
      expect(r.body.name).toBe(name || r.body.email.split("@")[0]);
    }
  });

  it("are refused by the pages with words saying what a name may hold, the typed name kept", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const html = await (await call("/users", { cookie, headers: { accept: "text/html" } })).text();
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const fields = { _csrf, email: randomEmail("named"), password: PASSWORD, name: "Ada\u202Enimda", role: "technician" };
    const page = await call("/users", { cookie, headers: FORM, body: new URLSearchParams(fields).toString() });
    expect(page.status).toBe(400);
    const text = await page.text();
    expect(text).toContain("Use one line of at most 200 characters, without line breaks or control characters.");
    expect(text).toContain(fields.email);
    const users = await callJson<{ users: { email: string }[] }>("/api/org/users", { cookie });
    expect(users.body.users.map((u) => u.email)).toEqual([org.admin.email]);
  });
});
