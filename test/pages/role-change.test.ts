// The Users page changes roles: "Make admin" / "Make technician" open a confirmation page (plain forms, the form
// token, no JS), and its button goes through PATCH /api/org/users/{id}'s own flow: step-up asked in place on a
// stale session, the user's sessions ended, the last active admin kept, one's own session renewed when stepping down.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, sessionCookieFrom, signIn } from "../support/api";
import { auditTypes } from "../support/audit";
import { useTestClock } from "../support/clock";
import { enrolledAdmin, staleSession } from "../support/flows";
import { codeFor } from "../support/totp";
import { pageOf, postForm } from "../support/pages";

useTestClock();

async function roleOf(cookie: string, id: string) {
  const users = await callJson<{ users: { id: string; role: string }[] }>("/api/org/users", { cookie });
  return users.body.users.find((u) => u.id === id)?.role;
}

describe("the Users page's role control", () => {
  it("makes a technician an admin and back, each after a confirmation page; their sessions end", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    const techCookie = await signIn(tech.email);

    const list = await pageOf("/users", admin);
    expect(list.html).toContain(`href="/users/${tech.id}/make-admin"`);
    expect(list.html).not.toContain(`/users/${tech.id}/make-technician`);

    const confirm = await pageOf(`/users/${tech.id}/make-admin`, admin);
    expect(confirm.res.status).toBe(200);
    expect(confirm.html).toContain(`an admin?`);
    expect(confirm.html).toContain(tech.email);
    expect(confirm.html).toContain(`action="/users/${tech.id}/make-admin"`);
    // Asking changes nothing; a fresh session needs no prompt.
    expect(confirm.html).not.toContain("data-step-up");
    expect(await roleOf(admin, tech.id)).toBe("technician");
    expect((await postForm(`/users/${tech.id}/make-admin`, { ...confirm, token: "" })).status).toBe(403);
    expect(await roleOf(admin, tech.id)).toBe("technician");

    const made = await postForm(`/users/${tech.id}/make-admin`, confirm);
    expect([made.status, made.headers.get("location")]).toEqual([303, "/users?m=role-changed"]);
    expect(await roleOf(admin, tech.id)).toBe("admin");
    expect((await call("/api/me", { cookie: techCookie })).status).toBe(401);
    expect((await pageOf("/users?m=role-changed", admin)).html).toContain("Role changed.");

    const back = await pageOf(`/users/${tech.id}/make-technician`, admin);
    expect(back.html).toContain("a technician?");
    const demoted = await postForm(`/users/${tech.id}/make-technician`, back);
    expect(demoted.headers.get("location")).toBe("/users?m=role-changed");
    expect(await roleOf(admin, tech.id)).toBe("technician");
    expect((await auditTypes(org.slug)).filter((t) => t === "user.role_changed")).toHaveLength(2);
    // Already a technician: no question to ask.
    expect((await pageOf(`/users/${tech.id}/make-technician`, admin)).res.status).toBe(303);
  });

  it("asks a stale session for step-up in place, and changes nothing on a wrong code", async () => {
    const { org, cookie, enrollment } = await enrolledAdmin();
    const tech = await addUser(cookie);
    staleSession();
    const confirm = await pageOf(`/users/${tech.id}/make-admin`, cookie);
    expect(confirm.html).toContain('name="code"');
    const wrong = await postForm(`/users/${tech.id}/make-admin`, confirm, { code: "000000" });
    expect(wrong.status).toBe(403);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('name="code"');
    expect(wrongHtml).toContain('aria-invalid="true"');
    const none = await postForm(`/users/${tech.id}/make-admin`, confirm);
    expect(none.status).toBe(403);
    expect(await roleOf(cookie, tech.id)).toBe("technician");
    const done = await postForm(`/users/${tech.id}/make-admin`, confirm, {
      code: codeFor(enrollment.secret, Date.now(), enrollment.period),
    });
    expect(done.headers.get("location")).toBe("/users?m=role-changed");
    expect(await roleOf(cookie, tech.id)).toBe("admin");
    expect(org.slug).toBeTruthy();
  });

  it("keeps the last active admin, and lets an admin step down while another remains, with a new session", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    // Alone: stepping down is not offered, and its page (opened by address) is refused (409), as the API refuses it.
    const list = await pageOf("/users", admin);
    expect(list.html).not.toContain(`href="/users/${org.admin.id}/make-technician"`);
    const alone = await pageOf(`/users/${org.admin.id}/make-technician`, admin);
    expect(alone.html).toContain("Make yourself a technician?");
    const refused = await postForm(`/users/${org.admin.id}/make-technician`, alone);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("An organization must keep at least one admin.");
    expect(await roleOf(admin, org.admin.id)).toBe("admin");

    // A deactivated admin administers nothing: with only one beside you, stepping down is still not offered.
    const other = await addUser(admin, "admin");
    expect((await call(`/api/org/users/${other.id}`, { method: "PATCH", cookie: admin, body: { active: false } })).status).toBe(200);
    expect((await pageOf("/users", admin)).html).not.toContain(`href="/users/${org.admin.id}/make-technician"`);
    expect((await call(`/api/org/users/${other.id}`, { method: "PATCH", cookie: admin, body: { active: true } })).status).toBe(200);
    expect((await pageOf("/users", admin)).html).toContain(`href="/users/${org.admin.id}/make-technician"`);
    const stepDown = await postForm(
      `/users/${org.admin.id}/make-technician`,
      await pageOf(`/users/${org.admin.id}/make-technician`, admin),
    );
    expect([stepDown.status, stepDown.headers.get("location")]).toEqual([303, "/account?m=role-changed"]);
    const renewed = sessionCookieFrom(stepDown) as string;
    expect(renewed).toBeDefined();
    expect((await call("/api/me", { cookie: admin })).status).toBe(401);
    const me = await callJson<{ user: { role: string } }>("/api/me", { cookie: renewed });
    expect(me.body.user.role).toBe("technician");
    expect((await pageOf("/account?m=role-changed", renewed)).html).toContain("Your role was changed.");
    expect((await pageOf("/users", renewed)).res.status).toBe(403);
    expect(await roleOf(await signIn(other.email), other.id)).toBe("admin");
  });

  it("is for admins only; an unknown user gets a 404", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await addUser(admin);
    const techCookie = await signIn(tech.email);
    const asTech = await pageOf(`/users/${tech.id}/make-admin`, techCookie);
    expect(asTech.res.status).toBe(403);
    const form = await pageOf(`/users/${tech.id}/make-admin`, admin);
    expect((await postForm(`/users/${tech.id}/make-admin`, { token: form.token, cookie: techCookie })).status).toBe(403);
    expect(await roleOf(admin, tech.id)).toBe("technician");
    expect((await pageOf("/users/usr_nobody/make-admin", admin)).res.status).toBe(404);
    expect((await postForm("/users/usr_nobody/make-admin", form)).status).toBe(404);
  });
});
