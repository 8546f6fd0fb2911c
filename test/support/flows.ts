// Multi-step flows used by many tests: an enrolled user, and the challenge of a password sign-in.
import { addUser, callJson, createOrg, PASSWORD, signIn, type TestOrg } from "./api";
import { advance, nextStep } from "./clock";
import { setAsideVerificationMail } from "./mail";
import { type Enrollment, enroll } from "./totp";

export interface EnrolledUser {
  org: TestOrg;
  email: string;
  id: string;
  cookie: string;
  adminCookie: string;
  enrollment: Enrollment;
}

/** A technician with TOTP enrolled; the clock is moved to the next step so a fresh code exists. */
export async function enrolledTechnician(existing?: TestOrg): Promise<EnrolledUser> {
  const org = existing ?? (await createOrg());
  const adminCookie = await signIn(org.admin.email);
  const user = await addUser(adminCookie);
  await setAsideVerificationMail(org.slug);
  const enrollment = await enroll(await signIn(user.email));
  nextStep(enrollment.period);
  return { org, email: user.email, id: user.id, cookie: enrollment.cookie, adminCookie, enrollment };
}

/** The org's first admin with TOTP enrolled (fresh session); the clock is moved so a fresh code exists. */
export async function enrolledAdmin(existing?: TestOrg) {
  const org = existing ?? (await createOrg());
  const enrollment = await enroll(await signIn(org.admin.email));
  nextStep(enrollment.period);
  return { org, cookie: enrollment.cookie, enrollment };
}

/** Lets the session's last factor check age past the 15-minute step-up window (the session itself lives on). */
export function staleSession(): void {
  advance(16 * 60_000);
}

export async function challengeFor(email: string, password = PASSWORD): Promise<string> {
  const r = await callJson<{ status: string; challenge: string }>("/auth/login", { body: { email, password } });
  if (r.status !== 200 || !r.body.challenge) throw new Error(`challengeFor: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.challenge;
}
