// French as French is written: counts agree with their number (0 and 1 singular), as the pages show them.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fr } from "../../src/ui/i18n/fr";
import { call, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";

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
