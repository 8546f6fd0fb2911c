// Invites and email addresses in real headless Chromium: an admin invites from the Users page (the mail in
// French, read from the dev outbox), resends and revokes through confirmation pages; the invitee opens the link in
// a fresh French profile, chooses a name and password and lands signed in; a user changes their address from the
// Account page and confirms it from the link; a dead link says so. Screenshots and axe on every screen.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http } from "../e2e/worker";
import { capture, createOrg, type Harness, newProfile, PASSWORD, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const SLUG = `people-${run}`;
const ADMIN = `ada-${run}@example.com`;
const NINA = `nina-${run}@example.com`; // invited, accepts in French
const OMAR = `omar-${run}@example.com`; // invited, then revoked
const MOVER = `max-${run}@example.com`; // changes address
const MOVED = `max-new-${run}@example.com`;

let h: Harness;
const a11y: string[] = [];

beforeAll(async () => {
  h = await startHarness("invites", { DEV_MODE: "true" });
  await createOrg(h, SLUG, ADMIN);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

async function signIn(page: Page, email: string) {
  await page.goto("/");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/account");
}

/** The newest link to `path` mailed to `to`, from the dev outbox (the alarm sends right after the request). */
async function mailedLink(to: string, path: string, skip: string[] = []): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${h.url}/dev/outbox?org=${SLUG}&format=json`);
    const { delivered } = (await res.json()) as { delivered: { to: string; text: string }[] };
    for (const mail of delivered.filter((m) => m.to === to)) {
      const link = new RegExp(`https?://\\S+${path}\\S+`).exec(mail.text)?.[0];
      if (link && !skip.includes(link)) return link;
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`no ${path} mail for ${to} in the dev outbox after 10 s`);
}

describe("invites and email addresses in Chromium", () => {
  it("invite, resend and revoke from the Users page; the invitee accepts in French and lands signed in", async () => {
    const admin = await newProfile(h, "en-US");
    await signIn(admin.page, ADMIN);
    await admin.page.goto("/users");
    const invite = admin.page.getByRole("region", { name: "Invite someone" });
    await invite.getByLabel("Email address", { exact: true }).fill(NINA);
    await invite.getByLabel("Their name (optional)", { exact: true }).fill("Nina Nouvelle");
    await invite.getByLabel("Language of the email").selectOption("fr");
    await invite.getByRole("button", { name: "Send invite" }).click();
    await admin.page.waitForURL("**/users?m=invited");
    expect(await admin.page.getByText("Invite sent.").isVisible()).toBe(true);
    expect(await admin.page.getByRole("cell", { name: NINA, exact: true }).isVisible()).toBe(true);
    a11y.push(...(await capture(admin.page, "users-invite-sent")));
    const first = await mailedLink(NINA, "/invite/");

    await admin.page.getByRole("link", { name: `Resend: ${NINA}` }).click();
    expect(await admin.page.getByRole("heading", { name: "Resend the invite" }).isVisible()).toBe(true);
    a11y.push(...(await capture(admin.page, "invite-resend-confirm")));
    await admin.page.getByRole("button", { name: "Resend" }).click();
    await admin.page.waitForURL("**/users?m=invite_resent");
    const second = await mailedLink(NINA, "/invite/", [first]);

    await invite.getByLabel("Email address", { exact: true }).fill(OMAR);
    await invite.getByRole("button", { name: "Send invite" }).click();
    await admin.page.waitForURL("**/users?m=invited");
    await admin.page.getByRole("link", { name: `Revoke: ${OMAR}` }).click();
    a11y.push(...(await capture(admin.page, "invite-revoke-confirm")));
    await admin.page.getByRole("button", { name: "Revoke" }).click();
    await admin.page.waitForURL("**/users?m=invite_revoked");
    expect(await admin.page.getByRole("cell", { name: OMAR, exact: true }).count()).toBe(0);

    // The invitee, on their own device, in French: the first link died with the resend.
    const nina = await newProfile(h, "fr-FR");
    await nina.page.goto(first);
    expect(await nina.page.getByRole("heading", { name: "Ce lien ne fonctionne pas" }).isVisible()).toBe(true);
    a11y.push(...(await capture(nina.page, "invite-dead-link-fr")));
    await nina.page.goto(second);
    expect(await nina.page.getByText(NINA).isVisible()).toBe(true);
    expect(await nina.page.getByLabel("Votre nom").inputValue()).toBe("Nina Nouvelle");
    a11y.push(...(await capture(nina.page, "invite-accept-fr")));
    await nina.page.getByLabel("Choisissez un mot de passe").fill(PASSWORD);
    await nina.page.getByRole("button", { name: "Créer mon compte" }).click();
    await nina.page.waitForURL("**/account");
    expect(await nina.page.getByText(NINA).first().isVisible()).toBe(true);
    a11y.push(...(await capture(nina.page, "invite-accepted-account-fr")));
    expect([...admin.cspErrors, ...nina.cspErrors]).toEqual([]);
    await admin.context.close();
    await nina.context.close();
  });

  it("changes an address from the Account page, confirmed from the link sent to it", async () => {
    const login = await http(h.url, "/auth/login", { body: { email: ADMIN, password: PASSWORD } });
    const added = await http(h.url, "/api/org/users", {
      cookie: login.cookie ?? "",
      body: { email: MOVER, password: PASSWORD, name: "Max Mover", role: "technician" },
    });
    expect(added.status).toBe(201);
    const max = await newProfile(h, "en-US");
    await signIn(max.page, MOVER);
    const section = max.page.getByRole("region", { name: "Email address" });
    expect(await section.getByText("Unverified").isVisible()).toBe(true);
    await section.getByLabel("New email address").fill(MOVED);
    await section.getByRole("button", { name: "Change email" }).click();
    expect(await max.page.getByText(`We sent a link to ${MOVED}.`).isVisible()).toBe(true);
    a11y.push(...(await capture(max.page, "account-email-link-sent")));

    const link = await mailedLink(MOVED, "/email-link/");
    await max.page.goto(link);
    a11y.push(...(await capture(max.page, "email-link-confirm")));
    await max.page.getByRole("button", { name: "Confirm" }).click();
    expect(await max.page.getByText(`Your email address is now ${MOVED}.`).isVisible()).toBe(true);
    a11y.push(...(await capture(max.page, "email-link-changed")));
    expect((await http(h.url, "/auth/login", { body: { email: MOVED, password: PASSWORD } })).status).toBe(200);
    expect((await http(h.url, "/auth/login", { body: { email: MOVER, password: PASSWORD } })).status).toBe(401);
    expect(max.cspErrors).toEqual([]);
    await max.context.close();
  });

  it("has no serious accessibility violations on any screen", () => {
    expect(a11y).toEqual([]);
  });
});
