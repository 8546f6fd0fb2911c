// Chromium's virtual platform authenticator (CDP WebAuthn domain): a passkey on "this device" that verifies its
// user (ctap2, internal, resident keys, user verification), so the pages' real WebAuthn calls run end to end.
import type { CDPSession, Page } from "playwright-core";

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
}

export async function virtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

/** The passkeys the virtual authenticator holds. */
export async function credentials(a: VirtualAuthenticator) {
  return (await a.cdp.send("WebAuthn.getCredentials", { authenticatorId: a.authenticatorId })).credentials;
}
