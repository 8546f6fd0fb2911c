// A passkey that fails is answered in a passkey's words, not a code's: the wire code stays the contract's
// invalid_code (401), the message says what went wrong (an answer that did not verify, a request to add one that
// expired), and the page shows the same in the person's language.
import { describe, expect, it } from "vitest";
import { addUser, callJson, createOrg, signIn } from "../support/api";
import { SoftAuthenticator } from "../support/authenticator";
import { useTestClock } from "../support/clock";
import { tab } from "../support/pages";
import { passkeyTechnician, passwordStep, postPasskeyStep, stepOptions } from "../support/passkeys";

useTestClock();

type Failure = { error: { code: string; message: string } };

async function newMember() {
  const org = await createOrg();
  const user = await addUser(await signIn(org.admin.email));
  return { cookie: await signIn(user.email) };
}

describe("a passkey that fails", () => {
  it("adding one: an answer that does not verify, then a request already spent", async () => {
    const { cookie } = await newMember();
    const options = await callJson<{ challenge: string }>("/api/me/passkeys/options", { cookie, body: {} });
    const auth = new SoftAuthenticator();
    const forged = await auth.register(options.body, { origin: "https://evil.example" });
    const refused = await callJson<Failure>("/api/me/passkeys", { cookie, body: { name: "X", response: forged } });
    expect([refused.status, refused.body.error.code]).toEqual([401, "invalid_code"]);
    expect(refused.body.error.message).toBe("The passkey could not be verified: it may belong to another account or site. Try again.");
    // The refused answer spent its request: the same options again are a request to start over, not a sign-in's.
    const again = await callJson<Failure>("/api/me/passkeys", { cookie, body: { name: "X", response: await auth.register(options.body) } });
    expect([again.status, again.body.error.code]).toEqual([401, "invalid_code"]);
    expect(again.body.error.message).toBe("This request to add a passkey expired or was already used. Try again.");
    const list = await callJson<{ passkeys: unknown[] }>("/api/me/passkeys", { cookie });
    expect(list.body.passkeys).toEqual([]);
  });

  it("at the second step: another account's passkey", async () => {
    const owner = await passkeyTechnician();
    const other = await passkeyTechnician(owner.org);
    const { challenge } = await passwordStep(owner.email);
    const options = await stepOptions(challenge);
    // The other user's authenticator answers with its own credential, which is not the owner's.
    const answer = await other.auth.assert({ ...options.body, allowCredentials: [] } as never);
    const refused = await postPasskeyStep(challenge, answer as never);
    expect(refused.status).toBe(401);
    const body = (await refused.json()) as Failure;
    expect(body.error.code).toBe("invalid_code");
    expect(body.error.message).toMatch(/^The passkey could not be verified/);
  });

  it("on the Account page, in French", async () => {
    const { cookie } = await newMember();
    const b = await tab(cookie);
    await b.get("/account?lang=fr");
    const options = await (await b.post("/account/passkeys/options", {})).json();
    const forged = await new SoftAuthenticator().register(options as never, { origin: "https://evil.example" });
    const res = await b.post("/account/passkeys", { name: "X", response: JSON.stringify(forged) });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("La clé d’accès n’a pas pu être vérifiée\u00a0: elle appartient peut-être à un autre compte");
  });
});
