// Mail through a transactional mail API over HTTPS, in Resend's documented format (POST <base>/emails with a
// Bearer key and JSON {from, to, subject, text, html} → 200 {id}). Unlike the send_email binding it reaches any
// address, which invitations to new people need. The key goes only into the Authorization header: no error
// text built here ever contains it, so neither the outbox's last_error nor a log can leak it.
import { MAIL_API_TIMEOUT_MS } from "../constants";
import type { OutgoingMail } from "./mime";
import type { MailTransport } from "./transport";

/**
 * The provider refused this message for good (4xx other than 408, 409 and 429: bad sender, bad address, bad key):
 * sending it again cannot succeed, so the outbox marks it failed at once instead of retrying for hours.
 */
export class MailRejected extends Error {
  override name = "MailRejected";
}

export interface HttpApiOptions {
  /** Base URL without the trailing /emails, e.g. https://api.resend.com. */
  url: string;
  key: string;
  timeoutMs?: number;
  /** Injected for tests of the transport alone; the Worker's global fetch otherwise. */
  fetch?: typeof fetch;
}

/** The provider's own words, short, from its JSON error ({statusCode, message, name}) when it sent one. */
async function providerReason(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { name?: unknown; message?: unknown };
    const name = typeof body.name === "string" ? body.name : "";
    const message = typeof body.message === "string" ? body.message : "";
    return [name, message].filter(Boolean).join(": ").slice(0, 200);
  } catch {
    return "";
  }
}

export function httpApiTransport(options: HttpApiOptions): MailTransport {
  const endpoint = `${options.url.replace(/\/+$/, "")}/emails`;
  const send = options.fetch ?? fetch;
  return {
    async send(mail: OutgoingMail) {
      let res: Response;
      try {
        res = await send(endpoint, {
          method: "POST",
          headers: {
            authorization: `Bearer ${options.key}`,
            "content-type": "application/json",
            // The provider drops a second request with the same key (24 h): a resend after a crash between its
            // "ok" and our write is then not delivered twice (deliver.ts).
            "idempotency-key": mail.messageId,
          },
          body: JSON.stringify({ from: mail.from, to: [mail.to], subject: mail.subject, text: mail.text, html: mail.html }),
          signal: AbortSignal.timeout(options.timeoutMs ?? MAIL_API_TIMEOUT_MS),
        });
      } catch (err) {
        // Network failure or timeout: transient, the outbox retries with backoff.
        const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
        throw new Error(timedOut ? "mail API timed out" : "mail API unreachable");
      }
      if (res.ok) {
        await res.body?.cancel();
        return;
      }
      // A provider that echoes the request would echo the key: it is cut out before anything is stored.
      const reason = (await providerReason(res)).split(options.key).join("[key]");
      const detail = `mail API answered ${res.status}${reason ? ` (${reason})` : ""}`;
      // 408 and 429 ask to come back later; 409 is Resend's answer while a request with the same idempotency key
      // is still being handled (e.g. our earlier attempt that timed out), which a later retry settles.
      if (res.status >= 400 && res.status < 500 && ![408, 409, 429].includes(res.status)) throw new MailRejected(detail);
      throw new Error(detail);
    },
  };
}
