// A page form whose answer shows a secret once makes that secret once: the same post sent again (a reload of the
// answer, the back button, a double click) makes nothing more and says what happened, without the secret; a form
// without its single-use id, or too old, makes nothing. So on /api-keys, on /applications and for the Account page's
// recovery codes. The JSON API is untouched (test/admin/api-keys.test.ts, test/oidc/, test/two-factor/).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, createOrg, signIn } from "../support/api";
import { auditTypes } from "../support/audit";
import { useTestClock } from "../support/clock";
import { challengeFor, enrolledAdmin, enrolledTechnician, staleSession } from "../support/flows";
import { codeFor } from "../support/totp";
import { pageOf, postForm } from "../support/pages";

useTestClock();

const keysOf = async (cookie: string) => (await callJson<{ apiKeys: { name: string }[] }>("/api/org/api-keys", { cookie })).body.apiKeys;
const newKeyIn = (html: string) => /id="new-api-key">([^<]+)</.exec(html)?.[1];

/** The user's wrong-code counters, which a reload must not raise. */
async function codeFailures(slug: string, userId: string) {
  return runInDurableObject(
    env.ORG.getByName(slug),
    (_o, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT failed_codes + code_failure_streak AS n FROM users WHERE id = ?", userId).one().n,
  );
}

describe("the API keys page", () => {
  it("makes one key for one form: sent again, it says the key was already created and shows no secret", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const form = await pageOf("/api-keys", admin);
    expect(form.formId).not.toBe("");
    const fields = { name: "deploy", role: "technician", expiresInDays: "90", formId: form.formId };
    const first = await postForm("/api-keys", form, fields);
    expect(first.status).toBe(200);
    const key = newKeyIn(await first.text());
    expect(key).toBeDefined();
    // The answer's own create form is a new form, with a new id.
    const again = await postForm("/api-keys", form, fields);
    expect(again.status).toBe(409);
    expect(again.headers.get("cache-control")).toBe("no-store");
    const html = await again.text();
    expect(html).toContain("This API key was already created");
    expect(html).toContain('href="/api-keys"');
    expect(html).not.toContain(key as string);
    expect(newKeyIn(html)).toBeUndefined();
    expect((await keysOf(admin)).map((k) => k.name)).toEqual(["deploy"]);
    expect((await auditTypes(org.slug)).filter((t) => t === "api_key.created")).toHaveLength(1);
  });

  it("makes one key when the same form is sent twice at once", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const form = await pageOf("/api-keys", admin);
    const fields = { name: "twice", role: "admin", expiresInDays: "30", formId: form.formId };
    const answers = await Promise.all([postForm("/api-keys", form, fields), postForm("/api-keys", form, fields)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await keysOf(admin)).toHaveLength(1);
  });

  it("tells a reload after a step-up with a code that the key exists, without counting the spent code as wrong", async () => {
    const { org, cookie, enrollment } = await enrolledAdmin();
    staleSession();
    const form = await pageOf("/api-keys", cookie);
    expect(form.html).toContain('name="code"');
    const code = codeFor(enrollment.secret, Date.now(), enrollment.period);
    const fields = { name: "ci", role: "technician", expiresInDays: "90", formId: form.formId, code };
    expect((await postForm("/api-keys", form, fields)).status).toBe(200);
    const again = await postForm("/api-keys", form, fields);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("This API key was already created");
    expect(await codeFailures(org.slug, org.admin.id)).toBe(0);
    expect(await keysOf(cookie)).toHaveLength(1);
  });

  it("makes nothing from a form without its id, or with one too old or not its own, and shows the form again", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const form = await pageOf("/api-keys", admin);
    const fields = { name: "old", role: "technician", expiresInDays: "90" };
    const random = "A".repeat(22);
    const old = `${(Date.now() - 13 * 3_600_000).toString(36)}.${random}`;
    const ahead = `${(Date.now() + 3_600_000).toString(36)}.${random}`;
    for (const formId of [undefined, "", "not-one-of-ours", old, ahead]) {
      const r = await postForm("/api-keys", form, formId === undefined ? fields : { ...fields, formId });
      expect(r.status).toBe(400);
      const html = await r.text();
      expect(html).toContain("This form was open too long");
      expect(html).toMatch(/name="formId" value="[^"]+"/);
    }
    expect(await keysOf(admin)).toEqual([]);
  });
});

describe("the Applications page", () => {
  const app = { name: "Dispatch", type: "confidential", redirectUris: "https://dispatch.example.com/cb", postLogoutRedirectUris: "" };
  const listed = async (cookie: string) =>
    (await callJson<{ clients: { name: string }[] }>("/api/org/oidc-clients", { cookie })).body.clients;

  it("registers one application for one form: sent again, it says so and shows no secret", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const form = await pageOf("/applications", admin);
    const fields = { ...app, formId: form.formId };
    const first = await postForm("/applications", form, fields);
    expect(first.status).toBe(200);
    const secret = /id="new-client-secret">([^<]+)</.exec(await first.text())?.[1] as string;
    expect(secret).toBeDefined();
    const again = await postForm("/applications", form, fields);
    expect(again.status).toBe(409);
    const html = await again.text();
    expect(html).toContain("This application was already registered");
    expect(html).toContain('href="/applications"');
    expect(html).not.toContain(secret);
    expect(html).not.toContain("new-client-id");
    expect((await listed(admin)).map((a) => a.name)).toEqual(["Dispatch"]);
  });

  it("tells a reload after a step-up with a code that the application exists, without counting the code as wrong", async () => {
    const { org, cookie, enrollment } = await enrolledAdmin();
    staleSession();
    const form = await pageOf("/applications", cookie);
    const fields = { ...app, formId: form.formId, code: codeFor(enrollment.secret, Date.now(), enrollment.period) };
    expect((await postForm("/applications", form, fields)).status).toBe(200);
    expect((await postForm("/applications", form, fields)).status).toBe(409);
    expect(await codeFailures(org.slug, org.admin.id)).toBe(0);
    expect(await listed(cookie)).toHaveLength(1);
  });

  it("registers nothing from a form without its id", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const r = await postForm("/applications", await pageOf("/applications", admin), app);
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("This form was open too long");
    expect(await listed(admin)).toEqual([]);
  });
});

describe("the Account page's recovery codes", () => {
  const codesIn = (html: string) =>
    [...(/<ul class="codes" id="recovery-codes"[^>]*>(.*?)<\/ul>/.exec(html)?.[1] ?? "").matchAll(/<li>([^<]+)<\/li>/g)].map(
      (m) => m[1] as string,
    );

  it("makes one new set for one form: sent again, it says so, shows no codes and the set shown stays the live one", async () => {
    const u = await enrolledTechnician();
    const form = await pageOf("/account", u.cookie);
    expect(form.formId).not.toBe("");
    const fields = { code: codeFor(u.enrollment.secret, Date.now(), u.enrollment.period), formId: form.formId };
    const first = await postForm("/account/2fa/recovery-codes", form, fields);
    expect(first.status).toBe(200);
    const codes = codesIn(await first.text());
    expect(codes).toHaveLength(10);
    const again = await postForm("/account/2fa/recovery-codes", form, fields);
    expect(again.status).toBe(409);
    const html = await again.text();
    expect(html).toContain("These recovery codes were already made");
    expect(html).toContain('href="/account"');
    expect(codesIn(html)).toEqual([]);
    for (const code of codes) expect(html).not.toContain(code);
    // Not counted as a wrong code, and only one new set was made: the one that was shown signs in.
    expect(await codeFailures(u.org.slug, u.id)).toBe(0);
    expect((await auditTypes(u.org.slug)).filter((t) => t === "2fa.recovery_codes_regenerated")).toHaveLength(1);
    const challenge = await challengeFor(u.email);
    const signedIn = await callJson("/auth/login/recovery", { body: { challenge, code: codes[0] } });
    expect(signedIn.status).toBe(200);
  });

  it("makes no new set from a form without its id, and checks no code", async () => {
    const u = await enrolledTechnician();
    const form = await pageOf("/account", u.cookie);
    const r = await postForm("/account/2fa/recovery-codes", form, { code: codeFor(u.enrollment.secret, Date.now(), u.enrollment.period) });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("This form was open too long");
    expect(await auditTypes(u.org.slug)).not.toContain("2fa.recovery_codes_regenerated");
    // The code was not spent: it still regenerates from the page's form.
    expect(
      (
        await postForm("/account/2fa/recovery-codes", form, {
          code: codeFor(u.enrollment.secret, Date.now(), u.enrollment.period),
          formId: form.formId,
        })
      ).status,
    ).toBe(200);
  });
});
