// Support finds a user without knowing their id: GET /api/platform/orgs/{slug}/users is the admin's users list
// (same query, same answer) behind the platform token, so "I lost my phone" from a sole admin ends in a 2FA reset.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledAdmin } from "../support/flows";
import { deleteOrg } from "../support/org-deletion";
import { TEST_SECRETS } from "../support/secrets";

useTestClock();

const bearer = TEST_SECRETS.PLATFORM_TOKEN;

interface Listed {
  id: string;
  email: string;
  role: string;
  twoFactorEnabled: boolean;
}
interface Page {
  users: Listed[];
  nextCursor: string | null;
}
interface Err {
  error: { code: string; message: string };
}

const usersOf = (slug: string, query = "") => `/api/platform/orgs/${slug}/users${query ? `?${query}` : ""}`;

describe("GET /api/platform/orgs/{slug}/users", () => {
  it("finds the sole admin who lost their phone by email, and their id resets their 2FA", async () => {
    const { org, cookie } = await enrolledAdmin();
    await addUser(cookie);
    expect((await callJson<{ status: string }>("/auth/login", { body: { email: org.admin.email, password: PASSWORD } })).body.status).toBe(
      "2fa_required",
    );

    // Support has only the address the person gave on the phone, in whatever case they spelled it.
    const found = await callJson<Page>(usersOf(org.slug, `q=${encodeURIComponent(org.admin.email.toUpperCase())}`), { bearer });
    expect(found.status).toBe(200);
    expect(found.body.nextCursor).toBeNull();
    expect(found.body.users).toEqual([
      expect.objectContaining({ id: org.admin.id, email: org.admin.email, role: "admin", twoFactorEnabled: true }),
    ]);

    const reset = await call(`/api/platform/orgs/${org.slug}/users/${found.body.users[0]?.id}/2fa/reset`, { method: "POST", bearer });
    expect(reset.status).toBe(204);
    expect((await call("/api/me", { cookie })).status).toBe(401);
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: org.admin.email, password: PASSWORD } });
    expect(login.body.status).toBe("authenticated");
    const after = await callJson<Page>(usersOf(org.slug, `q=${encodeURIComponent(org.admin.email)}`), { bearer });
    expect(after.body.users.map((u) => u.twoFactorEnabled)).toEqual([false]);
  });

  it("answers exactly what the admin's GET /api/org/users answers, page by page and searched", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tess = await addUser(admin);
    const admin2 = await addUser(admin, "admin");
    for (const query of ["", "limit=2", "limit=1&q=tess", `q=${tess.email.slice(0, 12)}`, "q=nobody-here"]) {
      let cursor: string | null = null;
      do {
        const q: string = [query, cursor ? `cursor=${cursor}` : ""].filter(Boolean).join("&");
        const asAdmin = await callJson<Page>(`/api/org/users${q ? `?${q}` : ""}`, { cookie: admin });
        const asSupport = await callJson<Page>(usersOf(org.slug, q), { bearer });
        expect([q, asSupport.status]).toEqual([q, 200]);
        expect(asSupport.body).toEqual(asAdmin.body);
        cursor = asSupport.body.nextCursor;
      } while (cursor);
    }
    // The test clock stands still, so the three share a creation time: compare them as a set.
    const all = await callJson<Page>(usersOf(org.slug), { bearer });
    expect(all.body.users.map((u) => u.email).sort()).toEqual([org.admin.email, tess.email, admin2.email].sort());
  });

  it("refuses a missing or wrong platform token with 401", async () => {
    const org = await createOrg();
    const none = await callJson<Err>(usersOf(org.slug));
    const wrong = await callJson<Err>(usersOf(org.slug), { bearer: `${bearer}x` });
    for (const r of [none, wrong]) {
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([
        401,
        "unauthenticated",
        "The platform token is missing or wrong.",
      ]);
    }
  });

  it("is not open to the org's own admin, by session or by API key", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "ci", role: "admin" } });
    expect(key.status).toBe(201);
    expect((await call("/api/org/users", { bearer: key.body.key })).status).toBe(200);
    const bySession = await callJson<Err>(usersOf(org.slug), { cookie });
    const byKey = await callJson<Err>(usersOf(org.slug), { bearer: key.body.key });
    for (const r of [bySession, byKey]) expect([r.status, r.body.error.code]).toEqual([401, "unauthenticated"]);
  });

  it("answers 404 for a slug that names no org, never used or deleted", async () => {
    const unknown = await callJson<Err>(usersOf("no-such-org"), { bearer });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.message]).toEqual([404, "not_found", "No org has this slug."]);
    const org = await createOrg();
    expect((await deleteOrg(org.slug)).status).toBe(202);
    const deleted = await callJson<Err>(usersOf(org.slug), { bearer });
    expect([deleted.status, deleted.body.error.code]).toEqual([404, "not_found"]);
  });

  it("refuses a bad query with 400 as the admin's route does, naming the field", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    for (const query of ["cursor=abc", "cursor=1.x%27%20OR%201", "limit=0", "limit=501", "limit=two", `q=${"x".repeat(101)}`]) {
      const asSupport = await callJson<Err>(usersOf(org.slug, query), { bearer });
      const asAdmin = await callJson<Err>(`/api/org/users?${query}`, { cookie: admin });
      expect([query, asSupport.status, asSupport.body.error.code]).toEqual([query, 400, "invalid_request"]);
      expect(asSupport.body).toEqual(asAdmin.body);
    }
    const cursor = await callJson<Err>(usersOf(org.slug, "cursor=nope"), { bearer });
    expect(cursor.body.error.message).toBe("Field 'cursor' must be the nextCursor of an earlier answer of this list.");
    const slug = await callJson<Err>(usersOf("No_Caps"), { bearer });
    expect([slug.status, slug.body.error.code]).toEqual([400, "invalid_request"]);
  });
});
