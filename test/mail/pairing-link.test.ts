import { describe, expect, it } from "vitest";
import { addUser, BASE, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { flakyTransport, linkIn, outbox, runAlarm, setAsideVerificationMail, useTransport } from "../support/mail";
import { codeFor } from "../support/totp";

useTestClock();

/** An org with a technician who has not enrolled, and the transport that records the org's mail. */
async function setUp() {
  const org = await createOrg();
  const adminCookie = await signIn(org.admin.email);
  const user = await addUser(adminCookie);
  const transport = flakyTransport(0);
  await useTransport(org.slug, transport);
  await setAsideVerificationMail(org.slug);
  return { org, adminCookie, user, transport };
}

/** Asks for a link the given way, runs the alarm, and returns the token from the email. */
async function emailedToken(slug: string, transport: ReturnType<typeof flakyTransport>, ask: () => Promise<Response>) {
  const r = await ask();
  expect(r.status).toBe(202);
  await runAlarm(slug);
  const mail = transport.sent.at(-1);
  if (!mail) throw new Error("no mail sent");
  const url = linkIn(mail);
  expect(url.startsWith(`${BASE}/pair/gp.${slug}.-.`)).toBe(true);
  return url.slice(`${BASE}/pair/`.length);
}

describe("pairing links", () => {
  it("set up 2FA once from the email, with no session, and refuse a second use", async () => {
    const { org, user, transport } = await setUp();
    const cookie = await signIn(user.email);
    const token = await emailedToken(org.slug, transport, () => call("/api/me/2fa/pairing-link", { method: "POST", cookie }));
    expect(transport.sent[0]).toMatchObject({ to: user.email, subject: "Set up two-factor authentication" });

    const setup = await call(`/api/pair/${token}/setup`, { body: { password: PASSWORD } });
    expect(setup.status).toBe(200);
    expect(setup.headers.getSetCookie()).toEqual([]);
    const info = (await setup.json()) as { secret: string; otpauthUri: string };
    expect(info.otpauthUri).toContain(`:${user.email}?`);

    const confirm = await call(`/api/pair/${token}/confirm`, { body: { code: codeFor(info.secret) } });
    expect(confirm.status).toBe(200);
    expect(confirm.headers.getSetCookie()).toEqual([]);
    expect(((await confirm.json()) as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
    // Turning 2FA on through the link signs out every session: each must now pass the new second factor.
    expect((await call("/api/me", { cookie })).status).toBe(401);
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: user.email, password: PASSWORD } });
    expect(login.body.status).toBe("2fa_required");

    for (const path of ["setup", "confirm"]) {
      const body = { code: codeFor(info.secret), password: PASSWORD };
      const again = await callJson<{ error: { code: string } }>(`/api/pair/${token}/${path}`, { body });
      expect(again.status).toBe(404);
    }
  });

  it("never signs anyone in: the token is no session and no API key", async () => {
    const { org, adminCookie, user, transport } = await setUp();
    const token = await emailedToken(org.slug, transport, () =>
      call(`/api/org/users/${user.id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie }),
    );
    expect((await call("/api/me", { cookie: `session=${token}` })).status).toBe(401);
    expect((await call("/api/me", { bearer: token })).status).toBe(401);
    expect((await call("/api/me")).status).toBe(401);
  });

  it("expires after 30 minutes", async () => {
    const { org, adminCookie, user, transport } = await setUp();
    const token = await emailedToken(org.slug, transport, () =>
      call(`/api/org/users/${user.id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie }),
    );
    advance(30 * 60_000 + 1000);
    const r = await callJson<{ error: { code: string } }>(`/api/pair/${token}/setup`, { body: { password: PASSWORD } });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });

  it("is bound to its user: it enrolls only that user, and a link moved to another org is refused", async () => {
    const { org, adminCookie, user, transport } = await setUp();
    const other = await addUser(adminCookie);
    const otherCookie = await signIn(other.email);
    const token = await emailedToken(org.slug, transport, () =>
      call(`/api/org/users/${user.id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie }),
    );
    const setup = await callJson<{ secret: string; otpauthUri: string }>(`/api/pair/${token}/setup`, { body: { password: PASSWORD } });
    expect(setup.body.otpauthUri).toContain(`:${user.email}?`);
    expect((await call(`/api/pair/${token}/confirm`, { body: { code: codeFor(setup.body.secret) } })).status).toBe(200);
    const otherMe = await callJson<{ twoFactor: { enabled: boolean } }>("/api/me", { cookie: otherCookie });
    expect(otherMe.body.twoFactor.enabled).toBe(false);

    const elsewhere = await createOrg();
    const moved = token.replace(`gp.${org.slug}.`, `gp.${elsewhere.slug}.`);
    expect((await call(`/api/pair/${moved}/setup`, { body: { password: PASSWORD } })).status).toBe(404);
  });

  it("answers an admin's requests the same whatever the user, and mails only a user without 2FA", async () => {
    const enrolled = await enrolledTechnician();
    const { adminCookie, org } = { adminCookie: enrolled.adminCookie, org: enrolled.org };
    const fresh = await addUser(adminCookie);
    const answers = [];
    for (const id of [enrolled.id, "usr_nobody", fresh.id]) {
      const r = await callJson(`/api/org/users/${id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie });
      answers.push(JSON.stringify([r.status, r.body]));
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/^\[202,/);
    const links = (await outbox(org.slug)).filter((m) => m.kind === "pairing.link");
    expect(links.map((m) => m.to)).toEqual([fresh.email]);
  });

  it("answers an anonymous request the same whatever the email, and sends nothing", async () => {
    const enrolled = await enrolledTechnician();
    const fresh = await addUser(enrolled.adminCookie);
    const answers = [];
    for (const email of [enrolled.email, "nobody@example.com", fresh.email]) {
      const r = await callJson("/api/pairing-link", { body: { email } });
      answers.push(JSON.stringify([r.status, r.body]));
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/^\[202,/);
    expect((await outbox(enrolled.org.slug)).filter((m) => m.kind === "pairing.link")).toEqual([]);
  });

  it("lets a user who asks later get a new link and kills the older one", async () => {
    const { org, adminCookie, user, transport } = await setUp();
    const ask = () => call(`/api/org/users/${user.id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie });
    const first = await emailedToken(org.slug, transport, ask);
    advance(2 * 60_000);
    const second = await emailedToken(org.slug, transport, ask);
    expect(second).not.toBe(first);
    expect((await call(`/api/pair/${first}/setup`, { body: { password: PASSWORD } })).status).toBe(404);
    expect((await call(`/api/pair/${second}/setup`, { body: { password: PASSWORD } })).status).toBe(200);
  });

  it("keeps the link out of storage: sealed until sent, then scrubbed", async () => {
    const { org, adminCookie, user, transport } = await setUp();
    const ask = () => call(`/api/org/users/${user.id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie });
    expect((await ask()).status).toBe(202);
    const queued = (await outbox(org.slug))[0];
    expect(queued?.text).toContain("{{pairing_link}}");
    await runAlarm(org.slug);
    const token = linkIn(transport.sent[0] as never).split("/pair/")[1] as string;
    expect(JSON.stringify(await outbox(org.slug))).not.toContain(token);
  });
});
