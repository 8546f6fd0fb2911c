// Mailed links for the people tests: record an org's mail, and read the token of the last link a mail carried.
import type { OutgoingMail } from "../../src/mail/mime";
import { BASE } from "./api";
import { flakyTransport, runAlarm, useTransport } from "./mail";

export type Recorder = ReturnType<typeof flakyTransport>;

/** Records every mail the org sends from now on. */
export async function recordMail(slug: string): Promise<Recorder> {
  const transport = flakyTransport(0);
  await useTransport(slug, transport);
  return transport;
}

/** Sends what is due, then the mails sent to `to`, oldest first. */
export async function mailsTo(slug: string, transport: Recorder, to: string): Promise<OutgoingMail[]> {
  await runAlarm(slug);
  return transport.sent.filter((m) => m.to.toLowerCase() === to.toLowerCase());
}

/** The token of a link to `path` ("/invite/", "/email-link/") in a mail's text; the URL is on the service's origin. */
export function tokenIn(mail: OutgoingMail, path: string): string {
  const m = new RegExp(`${BASE.replace(/[.]/g, "\\.")}${path}(\\S+)`).exec(mail.text);
  if (!m) throw new Error(`no ${path} link in: ${mail.text}`);
  return m[1] as string;
}
