// The setup pages say which settings to choose when the key is typed by hand: apps that take a typed key assume
// 30-second codes, so an org on 60 seconds must say so or every code typed from such an app fails.
import { describe, expect, it } from "vitest";
import { addUser, call, createOrg, signIn } from "../support/api";
import { tab } from "../support/pages";

describe("the setup page's typed-key settings", () => {
  it("name the org's period beside the key: 60 seconds where the org chose it, 30 by default", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    for (const period of [30, 60]) {
      expect((await call("/api/org/settings", { method: "PATCH", cookie: admin, body: { totpPeriod: period } })).status).toBe(200);
      const t = await tab(await signIn((await addUser(admin)).email));
      await t.get("/account");
      const res = await t.post("/account/2fa/setup", {});
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(html).toContain(`period=${period}`);
      expect(html).toContain(`Then choose: time-based, 6 digits, every ${period} seconds.`);
    }
  });
});
