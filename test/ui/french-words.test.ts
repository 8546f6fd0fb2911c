// French as French is written: counts agree with their number (0 and 1 singular), and : ; ? ! « » hold to their
// word with a no-break space (U+00A0, as fr.ts does throughout), so a line never begins with one; a role named
// inside a sentence is in lower case.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { COPY } from "../../src/mail/copy";
import { fr } from "../../src/ui/i18n/fr";
import { call, callJson, createOrg, randomEmail, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { mailsTo, recordMail, tokenIn } from "../support/links";

useTestClock();

describe("French counts", () => {
  it("take the singular for 0 and 1 and the plural from 2", () => {
    expect(fr.settings.enrolled(0, 114)).toBe("0 utilisateur sur 114 a activé la 2FA");
    expect(fr.settings.enrolled(1, 114)).toBe("1 utilisateur sur 114 a activé la 2FA");
    expect(fr.settings.enrolled(2, 114)).toBe("2 utilisateurs sur 114 ont activé la 2FA");
    expect(fr.account.remaining(0, 10)).toBe("0 code de récupération restant sur 10");
    expect(fr.account.remaining(1, 10)).toBe("1 code de récupération restant sur 10");
    expect(fr.account.remaining(9, 10)).toBe("9 codes de récupération restants sur 10");
  });

  it("agree on the Settings page's compliance figure", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const figure = async () => {
      const html = await (await call("/settings?lang=fr", { cookie, headers: { accept: "text/html" } })).text();
      return /<strong id="compliance-figure">([^<]*)<\/strong>/.exec(html)?.[1];
    };
    expect(await figure()).toBe("0 utilisateur sur 1 a activé la 2FA");
    // Seeded users: every other one (the first included) has 2FA.
    await runInDurableObject(env.ORG.getByName(org.slug), (o) => o.seedUsers(1, "a"));
    expect(await figure()).toBe("1 utilisateur sur 2 a activé la 2FA");
    await runInDurableObject(env.ORG.getByName(org.slug), (o) => o.seedUsers(1, "b"));
    expect(await figure()).toBe("2 utilisateurs sur 3 ont activé la 2FA");
  });
});

/** Every text of the catalog, its functions called with sample words and numbers. */
function texts(node: unknown, path = "fr"): [string, string][] {
  if (typeof node === "string") return [[path, node]];
  if (typeof node === "function") return [[path, (node as (...a: unknown[]) => string)("x", 2)]];
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => texts(v, `${path}.${k}`));
  return [];
}

/** The texts whose French punctuation is wrong: a breaking space or none before : ; ? ! or inside « ». */
function wrongPunctuation(all: [string, string][]) {
  return all.filter(
    ([, text]) =>
      / [:;?!»]|« /.test(text) || // a space a line may break at
      /[^\s\u00a0][;?!]/.test(text) || // glued to its word
      /\p{L}: /u.test(text) || // "E-mail: x" (a colon in a URL has no space after it)
      /\u202f/.test(text), // one kind of space throughout
  );
}

describe("French punctuation", () => {
  it("puts a no-break space, never a breaking one or none, before : ; ? ! and inside « »", () => {
    expect(wrongPunctuation(texts(fr))).toEqual([]);
  });

  it("writes the apostrophe as French type does (’), never the straight one, on the pages", () => {
    expect(texts(fr).filter(([, text]) => /\p{L}'\p{L}/u.test(text))).toEqual([]);
  });

  it("holds in the names screen readers hear, such as each session's button on the French Account page", async () => {
    const org = await createOrg();
    await signIn(org.admin.email);
    const cookie = await signIn(org.admin.email);
    const html = await (await call("/account?lang=fr", { cookie, headers: { accept: "text/html" } })).text();
    const labels = [...html.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1] ?? "").filter((l) => l.includes(":"));
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.filter((l) => !l.includes("\u00a0:"))).toEqual([]);
    expect(fr.labelled("Réinitialiser la 2FA", "a@example.com")).toBe("Réinitialiser la 2FA\u00a0: a@example.com");
  });

  it("holds in the French mails as on the pages", () => {
    expect(wrongPunctuation(texts(COPY.fr, "mail.fr"))).toEqual([]);
  });

  it("says the invitee's address with a no-break space before the colon on the French invite page", async () => {
    const { email, page } = await frenchInvitePage("technician");
    expect(page).toContain(`E-mail\u00a0: <strong>${email}</strong>`);
  });
});

/** The page an invite's link opens, in French. */
async function frenchInvitePage(role: "technician" | "admin") {
  const org = await createOrg();
  const cookie = await signIn(org.admin.email);
  const mail = await recordMail(org.slug);
  const email = randomEmail("invitee");
  expect((await callJson("/api/org/invites", { cookie, body: { email, role, locale: "fr" } })).status).toBe(201);
  const token = tokenIn((await mailsTo(org.slug, mail, email))[0] as never, "/invite/");
  return { email, page: await (await call(`/invite/${token}?lang=fr`, { headers: { accept: "text/html" } })).text() };
}

describe("French role names inside a sentence", () => {
  it("are in lower case on the invite page (and elided before a vowel)", async () => {
    expect((await frenchInvitePage("technician")).page).toContain("en tant que technicien.");
    expect((await frenchInvitePage("admin")).page).toContain("en tant qu’administrateur.");
  });
});
