// The sign-in page's form: what a person types is read as the API reads it (the operator code in any case), and
// every refusal is the same one sentence, whichever of email, password or operator code was wrong.
import { describe, expect, it } from "vitest";
import { createOrg, PASSWORD } from "../support/api";
import { tab } from "../support/pages";

describe("the sign-in page", () => {
  it("asks the browser not to fill the operator code with a company name", async () => {
    const html = (await (await tab()).get("/")).html;
    expect(html).toMatch(/<input id="org" name="org" type="text" value=""[^>]*autocomplete="off"/);
    expect(html).not.toContain('autocomplete="organization"');
  });

  it("takes the operator code in any case, and refuses another org's code in any case with the usual words", async () => {
    const org = await createOrg();
    const other = await createOrg();
    for (const code of [org.slug.toUpperCase(), `${org.slug[0]?.toUpperCase()}${org.slug.slice(1)} `]) {
      const b = await tab();
      await b.get("/");
      const res = await b.post("/login", { email: org.admin.email, password: PASSWORD, org: code });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/account");
    }
    const b = await tab();
    await b.get("/");
    const wrong = await b.post("/login", { email: org.admin.email, password: PASSWORD, org: other.slug.toUpperCase() });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("The email, password or operator code is incorrect.");
  });
});
