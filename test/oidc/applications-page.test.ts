// The Applications page: an admin lists the org's OpenID clients, registers one with the API's own rules (the
// secret shown once, on the post's answer only), revokes one behind a confirmation and step-up; members get no
// page and no link; the form token and the same-origin rule hold as on every form.
import { describe, expect, it } from "vitest";
import { addUser, BASE, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledAdmin, staleSession } from "../support/flows";
import { codeFor } from "../support/totp";
import { codeFlow, orgClient, tokenRequest } from "./support";

useTestClock();

async function pageOf(path: string, cookie: string) {
  const res = await call(path, { cookie, headers: { accept: "text/html" } });
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  // The register form's single-use id, sent back as the browser sends it (test/pages/form-sent-again.test.ts).
  const formId = /name="formId" value="([^"]+)"/.exec(html)?.[1];
  return { res, html, token, cookie, formId };
}

async function post(
  path: string,
  from: { token: string; cookie: string; formId?: string | undefined },
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return call(path, {
    body: new URLSearchParams({ ...(from.formId ? { formId: from.formId } : {}), ...fields, _csrf: from.token }).toString(),
    cookie: from.cookie,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, ...headers },
  });
}

type Listed = { id: string; name: string; type: string; redirectUris: string[]; postLogoutRedirectUris: string[] };
const listed = async (cookie: string) => (await callJson<{ clients: Listed[] }>("/api/org/oidc-clients", { cookie })).body.clients;

const app = {
  name: "Dispatch dashboard",
  type: "confidential",
  redirectUris: "https://dash.example.com/callback\r\n\r\n  https://dash.example.com/cb2  \n",
  postLogoutRedirectUris: "https://dash.example.com/bye",
};

describe("the Applications page", () => {
  it("lists the org's applications with their client id, type, redirect URIs and creation date, linked from the nav", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const empty = await pageOf("/applications", admin);
    expect(empty.res.status).toBe(200);
    expect(empty.res.headers.get("cache-control")).toBe("no-store");
    expect(empty.html).toContain("No applications yet.");
    expect(empty.html).toContain('href="/applications" aria-current="page"');
    const client = await orgClient(admin, { name: "Field app", type: "public", redirectUris: ["http://127.0.0.1:7000/cb"] });
    const page = await pageOf("/applications", admin);
    expect(page.html).toContain("Field app");
    expect(page.html).toContain(client.clientId);
    expect(page.html).toContain("Public");
    expect(page.html).toContain("http://127.0.0.1:7000/cb");
    expect(page.html).toContain("14 Mar 2031");
    expect(page.html).toContain(`/applications/${encodeURIComponent(client.clientId)}/revoke`);
    const fr = await pageOf("/applications?lang=fr", admin);
    expect(fr.html).toContain("Enregistrer une application");
  });

  it("registers an application with the API's rules and shows its secret once, only in the answer to the post", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const form = await pageOf("/applications", admin);
    const res = await post("/applications", form, app);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    const clientId = /id="new-client-id">([^<]+)</.exec(html)?.[1] ?? "";
    const secret = /id="new-client-secret">([^<]+)</.exec(html)?.[1] ?? "";
    expect(clientId).toMatch(new RegExp(`^oc\\.${org.slug}\\.`));
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(html).toContain("it will not be shown again");
    const [stored] = await listed(admin);
    expect(stored).toMatchObject({
      id: clientId,
      name: "Dispatch dashboard",
      type: "confidential",
      redirectUris: ["https://dash.example.com/callback", "https://dash.example.com/cb2"],
      postLogoutRedirectUris: ["https://dash.example.com/bye"],
    });
    // The secret works (it is the client's), and no later page shows it.
    const tokens = await codeFlow({ clientId, clientSecret: secret, redirectUri: "https://dash.example.com/callback" }, admin);
    expect(tokens.id_token).toBeTruthy();
    const later = await pageOf("/applications", admin);
    expect(later.html).toContain(clientId);
    expect(later.html).not.toContain(secret);
    expect(later.html).not.toContain("new-client-secret");

    const pub = await post("/applications", await pageOf("/applications", admin), {
      name: "CLI",
      type: "public",
      redirectUris: "http://localhost:8123/cb",
    });
    const pubHtml = await pub.text();
    expect(pub.status).toBe(200);
    expect(pubHtml).toContain("new-client-id");
    expect(pubHtml).not.toContain("new-client-secret");
  });

  it("refuses bad redirect URIs with a message naming each one, keeps what was typed, and registers nothing", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const typed = {
      name: "Typed name",
      type: "confidential",
      redirectUris: "https://ok.example.com/cb\nhttp://localhost:9000/cb\nhttps://x.example.com/cb#frag\nnot a url",
      postLogoutRedirectUris: "http://plain.example.com/bye",
    };
    const res = await post("/applications", await pageOf("/applications", admin), typed);
    expect(res.status).toBe(400);
    const html = await res.text();
    // http on localhost is fine for a confidential application too (one run on a developer's machine).
    expect(html).not.toContain("http://localhost:9000/cb:");
    expect(html).toContain("https://x.example.com/cb#frag: must not contain a fragment");
    expect(html).toContain("not a url: not an absolute URL");
    expect(html).toContain("http://plain.example.com/bye: must use https");
    expect(html).not.toContain("https://ok.example.com/cb:");
    expect(html).toContain('value="Typed name"');
    expect(html).toContain("https://ok.example.com/cb\nhttp://localhost:9000/cb");
    expect(html).toContain('aria-invalid="true"');
    expect(await listed(admin)).toEqual([]);

    const noUri = await post("/applications", await pageOf("/applications", admin), { name: "X", type: "public", redirectUris: " \n " });
    expect(noUri.status).toBe(400);
    expect(await noUri.text()).toContain("Enter at least one redirect URI.");
    const noName = await post("/applications", await pageOf("/applications", admin), {
      name: " ",
      type: "public",
      redirectUris: "https://a.example/cb",
    });
    expect(noName.status).toBe(400);
    const badType = await post("/applications", await pageOf("/applications", admin), {
      name: "X",
      type: "both",
      redirectUris: "https://a.example/cb",
    });
    expect(badType.status).toBe(400);
    const fr = await post(
      "/applications?lang=fr",
      await pageOf("/applications?lang=fr", admin),
      { ...typed, name: "Nom" },
      { "accept-language": "fr" },
    );
    expect(await fr.text()).toContain("http://plain.example.com/bye\u00a0: doit utiliser https");
    expect(await listed(admin)).toEqual([]);
  });

  it("asks a stale session to step up before registering, in place, and keeps the form", async () => {
    const { org, cookie, enrollment } = await enrolledAdmin();
    staleSession();
    const form = await pageOf("/applications", cookie);
    expect(form.html).toContain('name="code"');
    const refused = await post("/applications", form, { ...app, code: "000000" });
    expect(refused.status).toBe(403);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('value="Dispatch dashboard"');
    expect(refusedHtml).toContain('name="code"');
    expect(await listed(cookie)).toEqual([]);
    const done = await post("/applications", form, { ...app, code: codeFor(enrollment.secret, Date.now(), enrollment.period) });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("new-client-secret");
    expect((await listed(cookie)).length).toBe(1);
    expect(org.slug).toBeTruthy();
  });

  it("revokes an application after a confirmation page; a stale session must step up first", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const tokens = await codeFlow(client, admin, { scope: "openid offline_access" });
    const path = `/applications/${encodeURIComponent(client.clientId)}/revoke`;
    staleSession();
    const confirm = await pageOf(path, admin);
    expect(confirm.res.status).toBe(200);
    expect(confirm.html).toContain("Revoke Dashboard");
    expect(confirm.html).toContain('name="password"');
    const refused = await post(path, confirm, {});
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('name="password"');
    const wrong = await post(path, confirm, { password: "not the password" });
    expect(wrong.status).toBe(403);
    expect((await listed(admin)).length).toBe(1);
    // The API's DELETE obeys the same rule.
    const byApi = await callJson<{ error: { code: string } }>(`/api/org/oidc-clients/${client.clientId}`, {
      method: "DELETE",
      cookie: admin,
    });
    expect([byApi.status, byApi.body.error.code]).toEqual([403, "step_up_required"]);
    expect((await listed(admin)).length).toBe(1);

    const done = await post(path, confirm, { password: PASSWORD });
    expect([done.status, done.headers.get("location")]).toEqual([303, "/applications?m=revoked"]);
    expect(await listed(admin)).toEqual([]);
    expect((await pageOf("/applications?m=revoked", admin)).html).toContain("Application revoked");
    const refreshed = await tokenRequest(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token as string });
    expect(refreshed.status).toBe(401);
    expect((await pageOf(path, admin)).res.status).toBe(404);
    expect((await post(path, confirm, {})).status).toBe(404);
  });

  it("gives members no page and no link, and refuses their posts", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const tech = await signIn((await addUser(admin)).email);
    const account = await pageOf("/account", tech);
    expect(account.html).not.toContain('href="/applications"');
    const page = await pageOf("/applications", tech);
    expect(page.res.status).toBe(403);
    expect(page.html).not.toContain(client.clientId);
    expect((await post("/applications", account, app)).status).toBe(403);
    expect((await pageOf(`/applications/${encodeURIComponent(client.clientId)}/revoke`, tech)).res.status).toBe(403);
    expect((await post(`/applications/${encodeURIComponent(client.clientId)}/revoke`, account, {})).status).toBe(403);
    expect((await listed(admin)).length).toBe(1);
    // Signed out: the sign-in page.
    const out = await call("/applications", { headers: { accept: "text/html" } });
    expect([out.status, out.headers.get("location")]).toEqual([303, "/"]);
  });

  it("refuses a post without the form token or from another site, registering and revoking nothing", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const form = await pageOf("/applications", admin);
    expect((await post("/applications", { ...form, token: "" }, app)).status).toBe(403);
    expect((await post("/applications", form, app, { origin: "https://evil.example" })).status).toBe(403);
    expect((await post("/applications", form, app, { origin: BASE, "sec-fetch-site": "cross-site" })).status).toBe(403);
    const path = `/applications/${encodeURIComponent(client.clientId)}/revoke`;
    expect((await post(path, { ...form, token: "x" }, {})).status).toBe(403);
    expect((await post(path, form, {}, { origin: "https://evil.example" })).status).toBe(403);
    expect((await listed(admin)).map((c) => c.id)).toEqual([client.clientId]);
  });
});
