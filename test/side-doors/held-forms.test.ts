// A form held open across the owner's enrollment (attacker review): a password-only session from before the owner
// enrolled at sign-in sends a page form's headers while still fresh, waits until the owner's first factor is in
// place, then sends the rest of the body. The edge read the session as fresh; the org's object decides again, in
// the transaction that would add the factor or the key, and refuses: nothing begun on the password alone lands.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, BASE, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { SoftAuthenticator } from "../support/authenticator";
import { useTestClock } from "../support/clock";
import { pageOf, postForm } from "../support/pages";
import { codeFor } from "../support/totp";

useTestClock();

/** A form post whose body is half sent now and half when `finish` is called. */
function heldForm(path: string, cookie: string, fields: Record<string, string>) {
  const bytes = new TextEncoder().encode(new URLSearchParams(fields).toString());
  const { readable, writable } = new FixedLengthStream(bytes.length);
  const res = exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: BASE, "content-length": String(bytes.length) },
      body: readable,
      redirect: "manual",
    }),
  );
  const writer = writable.getWriter();
  const half = Math.floor(bytes.length / 2);
  const first = writer.write(bytes.slice(0, half));
  return {
    res,
    finish: async () => {
      await first;
      await writer.write(bytes.slice(half));
      await writer.close();
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function formToken(path: string, cookie: string) {
  const html = await (await call(path, { cookie, headers: { accept: "text/html" } })).text();
  return { _csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "", formId: /name="formId" value="([^"]+)"/.exec(html)?.[1] ?? "" };
}

/** An org requiring 2FA, its member without a factor, and a session of theirs opened with the password alone. */
async function memberWithOldSession(role: "technician" | "admin" = "technician") {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  const member = await addUser(admin, role);
  const earlier = await signIn(member.email);
  expect((await callJson("/api/org/settings", { method: "PATCH", cookie: admin, body: { require2fa: true } })).status).toBe(200);
  return { member, earlier, admin };
}

/** The owner signs in and enrolls an authenticator app at the sign-in's enrollment. */
async function ownerEnrollsApp(email: string) {
  const { challenge } = (await callJson<{ challenge: string }>("/auth/login", { body: { email, password: PASSWORD } })).body;
  const setup = await callJson<{ secret: string }>("/auth/login/enroll", { body: { challenge } });
  expect((await call("/auth/login/enroll/confirm", { body: { challenge, code: codeFor(setup.body.secret) } })).status).toBe(200);
}

/** The rest of a held form, sent once the owner has enrolled an app at sign-in; its answer. */
async function finishAfterEnrollment(held: ReturnType<typeof heldForm>, email: string) {
  await settle();
  await ownerEnrollsApp(email);
  await held.finish();
  return held.res;
}

describe("a page form held open across the owner's enrollment", () => {
  it("sets up no authenticator app", async () => {
    const { member, earlier } = await memberWithOldSession();
    const held = heldForm("/account/2fa/setup", earlier, { _csrf: (await formToken("/account", earlier))._csrf });
    await settle();
    const { challenge } = (await callJson<{ challenge: string }>("/auth/login", { body: { email: member.email, password: PASSWORD } }))
      .body;
    const options = await callJson<{ challenge: string }>("/auth/login/enroll/passkey/options", { body: { challenge } });
    const done = await call("/auth/login/enroll/passkey", {
      body: { challenge, name: "Mine", response: await new SoftAuthenticator().register(options.body) },
    });
    expect(done.status).toBe(200);
    await held.finish();
    const res = await held.res;
    expect(res.status).toBe(403);
    expect(await res.text()).not.toMatch(/secret=[A-Z2-7]{16,}/);
    const confirm = await call("/api/me/2fa/confirm", { cookie: earlier, body: { code: "123456" } });
    expect(confirm.status).toBeGreaterThanOrEqual(400);
  });

  it("begins no passkey registration", async () => {
    const { member, earlier } = await memberWithOldSession();
    const held = heldForm("/account/passkeys/options", earlier, { _csrf: (await formToken("/account", earlier))._csrf });
    const res = await finishAfterEnrollment(held, member.email);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("step_up_required");
  });

  it("makes no API key", async () => {
    const { member, earlier } = await memberWithOldSession("admin");
    const held = heldForm("/api-keys", earlier, {
      ...(await formToken("/api-keys", earlier)),
      name: "theirs",
      role: "admin",
      expiresInDays: "365",
    });
    const res = await finishAfterEnrollment(held, member.email);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toMatch(/gk\.[A-Za-z0-9_.-]{20,}/);
  });

  it("registers no application", async () => {
    const { member, earlier, admin } = await memberWithOldSession("admin");
    const held = heldForm("/applications", earlier, {
      ...(await formToken("/applications", earlier)),
      name: "theirs",
      type: "confidential",
      redirectUris: "https://evil.example/cb",
    });
    const res = await finishAfterEnrollment(held, member.email);
    expect(res.status).toBe(403);
    const list = await callJson<{ clients: unknown[] }>("/api/org/oidc-clients", { cookie: admin });
    expect(list.status).toBe(200);
    expect(list.body.clients).toEqual([]);
  });

  it("moves no email address, and an admin's leaves require2fa on", async () => {
    const { member, earlier } = await memberWithOldSession("admin");
    const email = heldForm("/account/email", earlier, {
      _csrf: (await formToken("/account", earlier))._csrf,
      email: "theirs@evil.example",
    });
    const settings = heldForm("/settings", earlier, {
      _csrf: (await formToken("/settings", earlier))._csrf,
      require2fa: "off",
      totpPeriod: "30",
    });
    await settle();
    await ownerEnrollsApp(member.email);
    await email.finish();
    await settings.finish();
    expect((await settings.res).status).toBe(403);
    expect((await email.res).status).toBe(403);
    const org = await callJson<{ require2fa: boolean }>("/api/org/settings", { cookie: earlier });
    expect(org.body.require2fa).toBe(true);
  });
});

describe("a page form held open across signing out", () => {
  it("adds no first passkey, and brings no session back", async () => {
    const org = await createOrg();
    const member = await addUser(await signIn(org.admin.email));
    const session = await signIn(member.email);
    const form = await formToken("/account", session);
    const options = await callJson<{ challenge: string }>("/api/me/passkeys/options", { cookie: session, body: {} });
    const response = JSON.stringify(await new SoftAuthenticator().register(options.body));
    const held = heldForm("/account/passkeys", session, { _csrf: form._csrf, name: "Theirs", response });
    await settle();
    expect((await call("/auth/logout", { method: "POST", cookie: session })).status).toBe(204);
    await held.finish();
    const res = await held.res;
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => /session=[^;]+/.test(c) && !/Max-Age=0/i.test(c))).toBe(false);
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: member.email, password: PASSWORD } });
    expect(login.body.status).toBe("authenticated");
  });
});

describe("a session closed by the owner's enrollment, with no race at all", () => {
  it("signs out no other session of the owner, and may still end itself", async () => {
    const { member, earlier } = await memberWithOldSession();
    await ownerEnrollsApp(member.email);
    const sessions = await callJson<{ sessions: { id: string; current: boolean }[] }>("/api/me/sessions", { cookie: earlier });
    const own = sessions.body.sessions.find((s) => s.current);
    const others = sessions.body.sessions.filter((s) => !s.current);
    expect(others.length).toBeGreaterThan(0);
    const all = await callJson<{ error: { code: string; message: string } }>("/api/me/sessions/revoke-others", {
      method: "POST",
      cookie: earlier,
    });
    expect([all.status, all.body.error.code]).toEqual([403, "step_up_required"]);
    expect(all.body.error.message).toMatch(/sign in again/);
    const one = await call(`/api/me/sessions/${others[0]?.id}`, { method: "DELETE", cookie: earlier });
    expect(one.status).toBe(403);
    const page = await postForm("/account/sessions/revoke-others", await pageOf("/account", earlier));
    expect([page.status, page.headers.get("location")]).toEqual([303, "/account?m=sessions-sign-in-again"]);
    expect((await pageOf("/account?m=sessions-sign-in-again", earlier)).html).toMatch(/sign in again with it to sign out your/);
    const after = await callJson<{ sessions: { id: string }[] }>("/api/me/sessions", { cookie: earlier });
    expect(after.body.sessions.map((s) => s.id).sort()).toEqual(sessions.body.sessions.map((s) => s.id).sort());
    expect((await call(`/api/me/sessions/${own?.id}`, { method: "DELETE", cookie: earlier })).status).toBe(204);
    expect((await call("/api/me", { cookie: earlier })).status).toBe(401);
  });

  it("signs out none of its own admin's sessions through the admin route either", async () => {
    const { member, earlier } = await memberWithOldSession("admin");
    await ownerEnrollsApp(member.email);
    const r = await callJson<{ error: { code: string } }>(`/api/org/users/${member.id}/sessions/revoke`, {
      method: "POST",
      cookie: earlier,
    });
    expect([r.status, r.body.error.code]).toEqual([403, "step_up_required"]);
    const sessions = await callJson<{ sessions: unknown[] }>("/api/me/sessions", { cookie: earlier });
    expect(sessions.body.sessions.length).toBeGreaterThan(1);
  });

  it("changes no password", async () => {
    const { member, earlier } = await memberWithOldSession();
    await ownerEnrollsApp(member.email);
    const r = await callJson<{ error: { code: string; message: string } }>("/api/me/password", {
      cookie: earlier,
      body: { currentPassword: PASSWORD, newPassword: "a brand new long password" },
    });
    expect([r.status, r.body.error.code]).toEqual([403, "step_up_required"]);
    expect(r.body.error.message).toMatch(/sign in again/);
    // The owner's password still works (the sign-in now asks for the factor).
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: member.email, password: PASSWORD } });
    expect(login.body.status).toBe("2fa_required");
  });
});
