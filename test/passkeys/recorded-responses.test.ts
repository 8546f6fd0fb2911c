// Fixed WebAuthn responses, recorded once from the software authenticator (test/passkeys/recorded.json): the
// wrapper around @simplewebauthn/server (src/webauthn.ts) verifies them inside workerd, deterministically, and
// refuses each after one change (challenge, origin, RP ID, a flipped signature byte, another credential id).
import { describe, expect, it } from "vitest";
import {
  type AuthenticationResponseJSON,
  checkAssertion,
  checkRegistration,
  counterRegressed,
  type RegistrationResponseJSON,
} from "../../src/webauthn";
import recorded from "./recorded.json";

const rp = { id: recorded.rpId, origins: [recorded.origin], name: "Gatehouse" };
const registration = recorded.registration as unknown as RegistrationResponseJSON;
const assertion = recorded.assertion as unknown as AuthenticationResponseJSON;

async function registered() {
  const cred = await checkRegistration(rp, registration, recorded.registrationChallenge);
  if (!cred) throw new Error("the recorded registration did not verify");
  return { credentialId: cred.credentialId, publicKey: cred.publicKey, transports: cred.transports };
}

function flipLastSignatureChar(a: AuthenticationResponseJSON): AuthenticationResponseJSON {
  const sig = a.response.signature;
  const last = sig.at(-2) === "A" ? "B" : "A";
  return { ...a, response: { ...a.response, signature: `${sig.slice(0, -2)}${last}${sig.at(-1)}` } };
}

describe("recorded WebAuthn responses", () => {
  it("verifies the recorded registration and keeps what is stored of it", async () => {
    const cred = await checkRegistration(rp, registration, recorded.registrationChallenge);
    expect(cred).toMatchObject({
      credentialId: registration.id,
      signCount: 0,
      transports: ["internal"],
      backedUp: false,
      deviceType: "singleDevice",
    });
  });

  it("refuses the recorded registration for another challenge, origin or RP ID", async () => {
    expect(await checkRegistration(rp, registration, "b3RoZXI")).toBeNull();
    expect(await checkRegistration({ ...rp, origins: ["https://other.test"] }, registration, recorded.registrationChallenge)).toBeNull();
    expect(await checkRegistration({ ...rp, id: "other.test" }, registration, recorded.registrationChallenge)).toBeNull();
    expect(await checkRegistration(rp, { ...registration, id: "b3RoZXI", rawId: "b3RoZXI" }, recorded.registrationChallenge)).toBeNull();
  });

  it("verifies the recorded assertion against the recorded key, with user verification", async () => {
    const stored = await registered();
    const checked = await checkAssertion(rp, assertion, recorded.authenticationChallenge, stored, true);
    expect(checked).toEqual({ credentialId: registration.id, signCount: 1, userVerified: true, backedUp: false });
  });

  it("refuses the recorded assertion for another challenge, origin or RP ID, or with a changed signature", async () => {
    const stored = await registered();
    expect(await checkAssertion(rp, assertion, "b3RoZXI", stored, false)).toBeNull();
    expect(
      await checkAssertion({ ...rp, origins: ["https://other.test"] }, assertion, recorded.authenticationChallenge, stored, false),
    ).toBeNull();
    expect(await checkAssertion({ ...rp, id: "other.test" }, assertion, recorded.authenticationChallenge, stored, false)).toBeNull();
    expect(await checkAssertion(rp, flipLastSignatureChar(assertion), recorded.authenticationChallenge, stored, false)).toBeNull();
  });

  it("leaves the counter to the caller, which refuses one that does not move forward", () => {
    expect(counterRegressed(0, 0)).toBe(false);
    expect(counterRegressed(0, 1)).toBe(false);
    expect(counterRegressed(1, 1)).toBe(true);
    expect(counterRegressed(5, 2)).toBe(true);
    expect(counterRegressed(5, 0)).toBe(true);
  });
});
