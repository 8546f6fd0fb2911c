// The admin pages that name a few people (the API keys page: each key's maker; the Reset 2FA, Unlock and
// people-action confirmations: one user) read those people, never the whole org: in an org grown to thousands
// of users no statement behind them reads more than a handful of rows.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledAdmin } from "../support/flows";
import { GROWN, grow, MAX_ROWS_PER_STATEMENT, watch } from "../support/grown-org";

useTestClock();

describe("admin pages in a grown org", () => {
  it("read only the people they name", async () => {
    const { org, cookie } = await enrolledAdmin();
    const target = await addUser(cookie);
    const made = await callJson<{ id: string }>("/api/org/api-keys", { cookie, body: { name: "deploy", role: "technician" } });
    expect(made.status).toBe(201);
    const stub = env.ORG.getByName(org.slug);
    await runInDurableObject(stub, (_o, state) => grow(state.storage.sql, Date.now()));
    let watched: ReturnType<typeof watch> | undefined;
    await runInDurableObject(stub, (o) => {
      watched = watch(o);
    });
    const pages: Record<string, string> = {};
    try {
      for (const path of ["/api-keys", `/users/${target.id}/reset-2fa`, `/users/${target.id}/unlock`, `/users/${target.id}/deactivate`]) {
        const res = await call(path, { cookie });
        // The target has no 2FA: its Reset 2FA page says there is nothing to reset (409), naming them all the same.
        expect(res.status, path).toBe(path.endsWith("/reset-2fa") ? 409 : 200);
        pages[path] = await res.text();
      }
      const unknown = await call("/users/usr_nobody/reset-2fa", { cookie });
      expect(unknown.status).toBe(404);
    } finally {
      await runInDurableObject(stub, () => watched?.restore());
    }
    // The pages still name who they are about: the key's maker, the user to reset.
    expect(pages["/api-keys"]).toContain(org.admin.email);
    expect(pages[`/users/${target.id}/reset-2fa`]).toContain(target.email);
    const seen = watched?.seen ?? [];
    const heavy = seen.map(({ query, cursor }) => ({ query, rows: cursor.rowsRead })).filter((s) => s.rows > MAX_ROWS_PER_STATEMENT);
    expect(heavy).toEqual([]);
    expect(seen.some((s) => /FROM users WHERE id IN/.test(s.query))).toBe(true);
  });

  it("count and list compliance, 2FA and passkeys alike, without reading the whole org", async () => {
    const { org, cookie } = await enrolledAdmin();
    const stub = env.ORG.getByName(org.slug);
    await runInDurableObject(stub, (_o, state) => grow(state.storage.sql, Date.now()));
    // The Settings page lists who has no passkey only while the org requires one.
    expect((await call("/api/org/settings", { method: "PATCH", cookie, body: { requirePhishingResistant: true } })).status).toBe(200);
    let watched: ReturnType<typeof watch> | undefined;
    await runInDurableObject(stub, (o) => {
      watched = watch(o);
    });
    try {
      const api = await callJson<{ total: number; phishingResistant: { withoutPasskeyCount: number } }>("/api/org/compliance", { cookie });
      expect(api.status).toBe(200);
      // Every grown user has a passkey; the admin has only TOTP.
      expect([api.body.total, api.body.phishingResistant.withoutPasskeyCount]).toEqual([GROWN + 1, 1]);
      const page = await call("/settings", { cookie });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(
        new RegExp(`aria-labelledby="without-passkey-title">\\s*<li>[^<]*\\(${org.admin.email.replace(/[.]/g, "\\.")}\\)`),
      );
    } finally {
      await runInDurableObject(stub, () => watched?.restore());
    }
    const heavy = (watched?.seen ?? [])
      .map(({ query, cursor }) => ({ query, rows: cursor.rowsRead }))
      .filter((s) => s.rows > MAX_ROWS_PER_STATEMENT);
    expect(heavy).toEqual([]);
  });
});
