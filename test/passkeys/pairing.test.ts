// A pairing link adds a first factor with a password and a mailbox: never to a user who has a passkey, neither when
// it is asked for nor when a link sent before the passkey is used.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { mailedPairingToken, outbox } from "../support/mail";
import { addPasskey, passkeyTechnician } from "../support/passkeys";

useTestClock();

describe("pairing links and passkeys", () => {
  it("mails no pairing link to a user who has a passkey", async () => {
    const u = await passkeyTechnician();
    const before = (await outbox(u.org.slug)).length;
    expect((await call(`/api/org/users/${u.id}/2fa/pairing-link`, { method: "POST", cookie: u.adminCookie })).status).toBe(202);
    expect((await outbox(u.org.slug)).length).toBe(before);
  });

  it("refuses a link sent before the user added a passkey", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    const token = await mailedPairingToken(org.slug, adminCookie, user.id);
    await addPasskey(await signIn(user.email));
    const r = await callJson<{ error: { code: string } }>(`/api/pair/${token}/setup`, { body: { password: PASSWORD } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("already_enrolled");
  });
});
