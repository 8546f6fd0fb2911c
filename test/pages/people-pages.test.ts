// The per-user actions and the sessions list work as plain forms (no JS): a confirmation page, then a post with
// the form token; an admin target asks for step-up in place; the Account page lists and ends sessions.
import { describe, expect, it } from "vitest";
import { addUser, BASE, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { staleSession } from "../support/flows";

useTestClock();

async function pageOf(path: string, cookie: string) {
  const res = await call(path, { cookie, headers: { accept: "text/html" } });
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const set = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  return { res, html, token, cookie: [cookie, ...set].join("; ") };
}

async function post(path: string, from: { token: string; cookie: string }, fields: Record<string, string> = {}) {
  return call(path, {
    body: new URLSearchParams({ ...fields, _csrf: from.token }).toString(),
    cookie: from.cookie,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
  });
}

describe("the Users page's per-user actions", () => {
  it("deactivate, reactivate, sign out everywhere and remove, each after a confirmation page", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const user = await addUser(admin);
    const userCookie = await signIn(user.email);

    const list = await pageOf("/users", admin);
    expect(list.html).toContain(`/users/${user.id}/deactivate`);
    expect(list.html).not.toContain(`/users/${org.admin.id}/deactivate`);

    const confirm = await pageOf(`/users/${user.id}/sign-out`, admin);
    expect(confirm.res.status).toBe(200);
    const signedOut = await post(`/users/${user.id}/sign-out`, confirm);
    expect([signedOut.status, signedOut.headers.get("location")]).toEqual([303, "/users?m=signed-out"]);
    expect((await call("/api/me", { cookie: userCookie })).status).toBe(401);

    const deactivated = await post(`/users/${user.id}/deactivate`, await pageOf(`/users/${user.id}/deactivate`, admin));
    expect(deactivated.headers.get("location")).toBe("/users?m=deactivated");
    const after = await pageOf("/users?m=deactivated", admin);
    expect(after.html).toContain("Deactivated");
    expect(after.html).toContain(`/users/${user.id}/reactivate`);

    await post(`/users/${user.id}/reactivate`, await pageOf(`/users/${user.id}/reactivate`, admin));
    await signIn(user.email);

    const removed = await post(`/users/${user.id}/remove`, await pageOf(`/users/${user.id}/remove`, admin));
    expect(removed.headers.get("location")).toBe("/users?m=removed");
    const users = await callJson<{ users: { id: string }[] }>("/api/org/users", { cookie: admin });
    expect(users.body.users.map((u) => u.id)).toEqual([org.admin.id]);
  });

  it("asks a stale session for step-up in place before acting on an admin, and refuses oneself", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const other = await addUser(admin, "admin");
    staleSession();
    const confirm = await pageOf(`/users/${other.id}/deactivate`, admin);
    expect(confirm.html).toContain('name="password"');
    const refused = await post(`/users/${other.id}/deactivate`, confirm);
    expect(refused.status).toBe(403);
    await signIn(other.email);
    const self = await pageOf(`/users/${org.admin.id}/remove`, admin);
    expect(self.res.status).toBe(409);
    expect((await pageOf("/users/usr_nobody/remove", admin)).res.status).toBe(404);
  });
});

describe("the Account page's sessions", () => {
  it("lists sessions with a browser label and ends one, then every other", async () => {
    const org = await createOrg();
    const ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const me = await signIn(org.admin.email);
    const other = await call("/auth/login", {
      body: { email: org.admin.email, password: "correct horse battery staple" },
      headers: { "user-agent": ua },
    });
    expect(other.status).toBe(200);
    await signIn(org.admin.email);
    const account = await pageOf("/account", me);
    expect(account.html).toContain("Chrome on Linux");
    const ids = [...account.html.matchAll(/action="\/account\/sessions\/([^"/]+)\/revoke"/g)].map((m) => m[1] as string);
    expect(ids).toHaveLength(2);
    // "Sign out" names one button only, the header's: a test or a screen reader asking for it finds just that one.
    const named = [...account.html.matchAll(/<button[^>]*>([^<]*)<\/button>/g)].filter((m) => /sign out/i.test(m[0]));
    expect(named.map((m) => m[1])).toEqual(["Sign out"]);
    expect(account.html).toContain(">End all other sessions</button>");
    const one = await post(`/account/sessions/${ids[0]}/revoke`, account);
    expect([one.status, one.headers.get("location")]).toEqual([303, "/account?m=session-ended"]);
    const rest = await post("/account/sessions/revoke-others", await pageOf("/account", me));
    expect(rest.headers.get("location")).toBe("/account?m=others-ended");
    const sessions = await callJson<{ sessions: unknown[] }>("/api/me/sessions", { cookie: me });
    expect(sessions.body.sessions).toHaveLength(1);
  });
});
