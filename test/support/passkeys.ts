// Passkey flows for tests: add one through the API with the software authenticator, and the sign-in's passkey step.
import { addUser, call, callJson, createOrg, PASSWORD, sessionCookieFrom, signIn, type TestOrg } from "./api";
import { SoftAuthenticator } from "./authenticator";

type Json = Record<string, unknown>;

/**
 * Adds a passkey to the signed-in user (a fresh session needs no step-up proof; a stale one sends `stepUp`). `cookie` is the session to go on
 * with: a first second factor replaces the session's token (docs/api.md), a later passkey keeps it.
 */
export async function addPasskey(cookie: string, auth = new SoftAuthenticator(), name = "Laptop", stepUp: Record<string, string> = {}) {
  const options = await callJson<{ challenge: string; user: { id: string } }>("/api/me/passkeys/options", { cookie, body: stepUp });
  if (options.status !== 200) throw new Error(`passkey options: ${options.status} ${JSON.stringify(options.body)}`);
  const r = await callJson<{ passkey: { id: string; name: string }; recoveryCodes?: string[] }>("/api/me/passkeys", {
    cookie,
    body: { name, response: await auth.register(options.body) },
  });
  if (r.status !== 201) throw new Error(`add passkey: ${r.status} ${JSON.stringify(r.body)}`);
  return { auth, passkey: r.body.passkey, recoveryCodes: r.body.recoveryCodes ?? [], cookie: sessionCookieFrom(r.res) ?? cookie };
}

export interface PasskeyUser {
  org: TestOrg;
  id: string;
  email: string;
  cookie: string;
  adminCookie: string;
  auth: SoftAuthenticator;
  passkeyId: string;
  recoveryCodes: string[];
}

/** A technician whose only second factor is a passkey. */
export async function passkeyTechnician(existing?: TestOrg): Promise<PasskeyUser> {
  const org = existing ?? (await createOrg());
  const adminCookie = await signIn(org.admin.email);
  const user = await addUser(adminCookie);
  const added = await addPasskey(await signIn(user.email));
  return {
    org,
    id: user.id,
    email: user.email,
    cookie: added.cookie,
    adminCookie,
    auth: added.auth,
    passkeyId: added.passkey.id,
    recoveryCodes: added.recoveryCodes,
  };
}

/** The password step: its challenge and the second step's methods. */
export async function passwordStep(email: string, password = PASSWORD) {
  const r = await callJson<{ status: string; challenge: string; methods: string[] }>("/auth/login", { body: { email, password } });
  if (r.status !== 200 || !r.body.challenge) throw new Error(`passwordStep: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function stepOptions(challenge: string) {
  return callJson<{ challenge: string; allowCredentials: { id: string }[]; userVerification: string }>("/auth/login/passkey/options", {
    body: { challenge },
  });
}

export function postPasskeyStep(challenge: string, response: Json) {
  return call("/auth/login/passkey", { body: { challenge, response } });
}
