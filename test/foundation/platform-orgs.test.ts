// The operator creates orgs: the token, the checks on slug and email, and the uniqueness of the slug under races.
import { describe, expect, it } from "vitest";
import { callJson, createOrg, PASSWORD, randomEmail, randomSlug, signIn } from "../support/api";
import { TEST_SECRETS } from "../support/secrets";

const token = TEST_SECRETS.PLATFORM_TOKEN;

describe("POST /api/platform/orgs", () => {
  it("creates an org with its first admin", async () => {
    const slug = randomSlug();
    const email = randomEmail("admin");
    const r = await callJson<{ org: { slug: string; name: string }; admin: { id: string; email: string; role: string } }>(
      "/api/platform/orgs",
      { bearer: token, body: { slug, name: "Acme", admin: { email, password: PASSWORD, name: "Ada" } } },
    );
    expect(r.status).toBe(201);
    expect(r.body.org).toEqual({ slug, name: "Acme" });
    expect(r.body.admin).toMatchObject({ email, role: "admin" });
    expect(typeof r.body.admin.id).toBe("string");
  });

  it("refuses a missing or wrong platform token with 401", async () => {
    const body = { slug: randomSlug(), name: "X", admin: { email: randomEmail(), password: PASSWORD } };
    const none = await callJson<{ error: { code: string; message: string } }>("/api/platform/orgs", { body });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthenticated");
    const wrong = await callJson<{ error: { code: string; message: string } }>("/api/platform/orgs", { body, bearer: `${token}x` });
    expect(wrong.status).toBe(401);
    // Both say what the endpoint takes: the platform token, not an API key.
    expect([none.body.error.message, wrong.body.error.message]).toEqual([
      "The platform token is missing or wrong.",
      "The platform token is missing or wrong.",
    ]);
  });

  it("answers 409 when the slug is taken", async () => {
    const org = await createOrg();
    const r = await callJson<{ error: { code: string } }>("/api/platform/orgs", {
      bearer: token,
      body: { slug: org.slug, name: "Again", admin: { email: randomEmail(), password: PASSWORD } },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("conflict");
  });

  it("answers 409 when the admin email is taken in another org, whatever its case", async () => {
    const org = await createOrg();
    const r = await callJson<{ error: { code: string } }>("/api/platform/orgs", {
      bearer: token,
      body: { slug: randomSlug(), name: "Other", admin: { email: org.admin.email.toUpperCase(), password: PASSWORD } },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("conflict");
  });

  it("releases the slug when the email was taken, so the slug can be used", async () => {
    const org = await createOrg();
    const slug = randomSlug();
    const first = await callJson("/api/platform/orgs", {
      bearer: token,
      body: { slug, name: "Other", admin: { email: org.admin.email, password: PASSWORD } },
    });
    expect(first.status).toBe(409);
    await createOrg({ slug });
  });

  it("validates the slug and names the field", async () => {
    const r = await callJson<{ error: { code: string; message: string } }>("/api/platform/orgs", {
      bearer: token,
      body: { slug: "No Caps", name: "X", admin: { email: randomEmail(), password: PASSWORD } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_request");
    expect(r.body.error.message).toContain("slug");
  });

  it("refuses a password shorter than 8 characters", async () => {
    const r = await callJson<{ error: { message: string } }>("/api/platform/orgs", {
      bearer: token,
      body: { slug: randomSlug(), name: "X", admin: { email: randomEmail(), password: "short" } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("password");
  });

  it("creates an EU org in the EU jurisdiction and finds it again at sign-in", async () => {
    const org = await createOrg({ jurisdiction: "eu" });
    const cookie = await signIn(org.admin.email);
    expect(cookie).toMatch(/^(__Host-)?session=gs\.[a-z0-9-]+\.eu\./);
    const me = await callJson<{ org: { slug: string } }>("/api/me", { cookie });
    expect(me.status).toBe(200);
    expect(me.body.org.slug).toBe(org.slug);
  });

  it("keeps the slug claimed when two creations of one slug race", async () => {
    const slug = randomSlug("race");
    const create = () =>
      callJson("/api/platform/orgs", { bearer: token, body: { slug, name: "Race", admin: { email: randomEmail(), password: PASSWORD } } });
    const results = await Promise.all([create(), create(), create()]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    // The operator endpoint still finds the org by its slug (a lost claim would answer "No org has this slug").
    const reset = await callJson<{ error: { message: string } }>(`/api/platform/orgs/${slug}/users/usr_nobody/2fa/reset`, {
      method: "POST",
      bearer: token,
    });
    expect(reset.status).toBe(404);
    expect(reset.body.error.message).not.toContain("slug");
  });
});
