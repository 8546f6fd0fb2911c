// Revoking an API key from its page asks first, on a confirmation page that works without JS (its GET changes
// nothing), and says what happened: a key revoked is told so and stops working; a key that is not there (unknown,
// already revoked, another org's) revokes nothing and is told "not found" (404, as the API). Admins only.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { pageOf, postForm } from "../support/pages";

useTestClock();

async function newKey(cookie: string, name = "ci") {
  const r = await callJson<{ id: string; key: string }>("/api/org/api-keys", { cookie, body: { name, role: "technician" } });
  expect(r.status).toBe(201);
  return r.body;
}

const works = async (key: string) => (await call("/api/me", { bearer: key })).status === 200;

describe("revoking an API key from its page", () => {
  it("asks first on a confirmation page, whose GET revokes nothing; its button revokes the key", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const key = await newKey(admin, "nightly backup");
    const list = await pageOf("/api-keys", admin);
    const path = `/api-keys/${encodeURIComponent(key.id)}/revoke`;
    // The list links to the question; no button there revokes in one click.
    expect(list.html).toContain(`href="${path}"`);
    expect(list.html).not.toContain(`action="${path}"`);
    const confirm = await pageOf(path, admin);
    expect(confirm.res.status).toBe(200);
    expect(confirm.res.headers.get("cache-control")).toBe("no-store");
    expect(confirm.html).toContain("Revoke an API key");
    expect(confirm.html).toContain("nightly backup");
    expect(confirm.html).toContain(`action="${path}"`);
    expect(confirm.html).toContain('href="/api-keys"');
    expect((await pageOf(`${path}?lang=fr`, admin)).html).toContain("Révoquer une clé d’API");
    expect(await works(key.key)).toBe(true);
    // The form token holds on the confirmation's post.
    expect((await postForm(path, { ...confirm, token: "" })).status).toBe(403);
    expect(await works(key.key)).toBe(true);
    const done = await postForm(path, confirm);
    expect([done.status, done.headers.get("location")]).toEqual([303, "/api-keys?m=revoked"]);
    expect(await works(key.key)).toBe(false);
    expect((await pageOf("/api-keys", admin)).html).not.toContain("nightly backup");
  });

  it("is for admins only, and a key that is not there gets no question", async () => {
    const a = await createOrg();
    const b = await createOrg();
    const adminA = await signIn(a.admin.email);
    const theirs = await newKey(await signIn(b.admin.email));
    for (const id of ["key_nobody", theirs.id]) {
      const r = await pageOf(`/api-keys/${encodeURIComponent(id)}/revoke`, adminA);
      expect(r.res.status).toBe(404);
      expect(r.html).toContain("This API key was not found");
      expect(r.html).not.toContain('class="danger"');
    }
    const own = await newKey(adminA);
    const tech = await addUser(adminA);
    const asTech = await pageOf(`/api-keys/${own.id}/revoke`, await signIn(tech.email));
    expect(asTech.res.status).toBe(403);
    expect(asTech.html).toContain("You are not allowed to see this page.");
    expect(asTech.html).not.toContain("Revoke an API key");
    expect((await call(`/api-keys/${own.id}/revoke`, { headers: { accept: "text/html" } })).status).toBe(303);
  });

  it("says a key that is not there was not found, and revokes nothing", async () => {
    const a = await createOrg();
    const b = await createOrg();
    const adminA = await signIn(a.admin.email);
    const adminB = await signIn(b.admin.email);
    const own = await newKey(adminA);
    const theirs = await newKey(adminB);
    const from = await pageOf("/api-keys", adminA);
    for (const id of ["key_nobody", theirs.id]) {
      const r = await postForm(`/api-keys/${encodeURIComponent(id)}/revoke`, from);
      expect(r.status).toBe(404);
      const html = await r.text();
      expect(html).toContain("This API key was not found");
      expect(html).not.toContain("API key revoked.");
      expect(html).toContain('href="/api-keys"');
    }
    expect(await works(own.key)).toBe(true);
    expect(await works(theirs.key)).toBe(true);
  });

  it("says so when the key was revoked already", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const key = await newKey(admin);
    const from = await pageOf("/api-keys", admin);
    const done = await postForm(`/api-keys/${key.id}/revoke`, from);
    expect([done.status, done.headers.get("location")]).toEqual([303, "/api-keys?m=revoked"]);
    expect(await works(key.key)).toBe(false);
    const again = await postForm(`/api-keys/${key.id}/revoke`, from);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("This API key was not found");
  });
});
