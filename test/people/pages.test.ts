// The invite and email pages inside workerd: forms with their CSRF token, the same flows as the JSON API.
import { describe, expect, it } from "vitest";
import { BASE, call, callJson, createOrg, PASSWORD, randomEmail, sessionCookieFrom, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { staleSession } from "../support/flows";
import { mailsTo, recordMail, tokenIn } from "../support/links";

useTestClock();

/** GETs a page and returns its HTML, form token and the cookies to post it with. */
async function open(path: string, cookie?: string) {
  const res = await call(path, { cookie, headers: { accept: "text/html" } });
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const set = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  return { res, html, token, cookie: [cookie, ...set].filter(Boolean).join("; ") };
}

async function post(path: string, from: { token: string; cookie: string }, fields: Record<string, string>) {
  return call(path, {
    body: new URLSearchParams({ ...fields, _csrf: from.token }).toString(),
    cookie: from.cookie,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
  });
}

describe("invite pages", () => {
  it("invite from the Users page, then choose a password on /invite/<token> and land signed in", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const mail = await recordMail(org.slug);
    const email = randomEmail("page");
    const users = await open("/users", admin);
    const sent = await post("/users/invites", users, { email, role: "technician", locale: "fr", name: "" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe("/users?m=invited");
    const listed = await open("/users?m=invited", admin);
    expect(listed.html).toContain(email);
    expect(listed.html).toContain(`/users/invites/`);

    const [invite] = await mailsTo(org.slug, mail, email);
    expect(invite?.subject).toContain("Vous êtes invité");
    const token = tokenIn(invite as never, "/invite/");
    const pageOf = await open(`/invite/${token}`);
    expect(pageOf.res.status).toBe(200);
    expect(pageOf.html).toContain(email);
    const short = await post(`/invite/${token}`, pageOf, { name: "Pat", password: "short" });
    expect(short.status).toBe(400);
    const done = await post(`/invite/${token}`, pageOf, { name: "Pat", password: PASSWORD });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/account");
    const cookie = sessionCookieFrom(done) as string;
    expect((await callJson<{ user: { name: string } }>("/api/me", { cookie })).body.user.name).toBe("Pat");
    // The spent link: one page that says so.
    expect((await open(`/invite/${token}`)).res.status).toBe(401);
  });

  it("revoke an invite through its confirmation page", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const created = await callJson<{ id: string }>("/api/org/invites", {
      cookie: admin,
      body: { email: randomEmail(), role: "technician" },
    });
    const confirm = await open(`/users/invites/${created.body.id}/revoke`, admin);
    expect(confirm.res.status).toBe(200);
    // The GET only asks: the invite is still pending.
    expect((await callJson<{ invites: unknown[] }>("/api/org/invites", { cookie: admin })).body.invites).toHaveLength(1);
    const r = await post(`/users/invites/${created.body.id}/revoke`, confirm, {});
    expect(r.status).toBe(303);
    expect((await callJson<{ invites: unknown[] }>("/api/org/invites", { cookie: admin })).body.invites).toEqual([]);
  });
});

describe("email pages", () => {
  it("verify only on the button's POST, never on the GET a mail scanner makes", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const mail = await recordMail(org.slug);
    const email = randomEmail("verify");
    await callJson("/api/org/users", { cookie: admin, body: { email, password: PASSWORD, role: "technician" } });
    const token = tokenIn((await mailsTo(org.slug, mail, email))[0] as never, "/email-link/");
    const users = await open("/users", admin);
    expect(users.html).toContain("Unverified");
    const pageOf = await open(`/email-link/${token}`);
    const listed = async () =>
      (await callJson<{ users: { email: string; emailVerified: boolean }[] }>("/api/org/users", { cookie: admin })).body.users;
    expect((await listed()).find((u) => u.email === email)?.emailVerified).toBe(false);
    const done = await post(`/email-link/${token}`, pageOf, {});
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(email);
    expect((await listed()).find((u) => u.email === email)?.emailVerified).toBe(true);
  });

  it("ask for step-up in place on the Account page's change of address, then send the link", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    staleSession();
    const account = await open("/account", cookie);
    const newEmail = randomEmail("new");
    const refused = await post("/account/email", account, { email: newEmail });
    expect(refused.status).toBe(403);
    // Asked in place, in the same form, after the refusal.
    expect(await refused.text()).toContain('id="email-password"');
    const ok = await post("/account/email", account, { email: newEmail, password: PASSWORD });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain(newEmail);
  });

  it("say next to the field that the address typed is already one's own", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const account = await open("/account", cookie);
    const same = await post("/account/email", account, { email: ` ${org.admin.email.toUpperCase()} ` });
    expect(same.status).toBe(400);
    const html = await same.text();
    expect(html).toContain("This is already your address: enter the new one.");
    expect(html).toContain('aria-invalid="true"');
  });
});
