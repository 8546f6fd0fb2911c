// The sole user of mimetext: an RFC 5322 message, multipart/alternative with plain text and HTML.
import { createMimeMessage } from "mimetext/browser";

export interface OutgoingMail {
  /** The outbox row's id in its org. */
  outboxId: number;
  /** Stable per outbox row, so a resend after a crash carries the same Message-ID and can be recognised. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** UTF-8 text as base64 in 76-character lines (RFC 2045 6.8): safe for French accents and long HTML lines. */
function base64Lines(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return (btoa(binary).match(/.{1,76}/g) ?? []).join("\r\n");
}

export function toMime(mail: OutgoingMail): string {
  const msg = createMimeMessage();
  msg.setSender({ name: "Gatehouse", addr: mail.from });
  msg.setRecipient(mail.to);
  msg.setSubject(mail.subject);
  const domain = mail.from.split("@")[1] ?? "gatehouse.invalid";
  msg.setHeader("Message-ID", `<${mail.messageId}@${domain}>`);
  msg.setHeader("Auto-Submitted", "auto-generated");
  msg.addMessage({ contentType: "text/plain", encoding: "base64", data: base64Lines(mail.text) });
  msg.addMessage({ contentType: "text/html", encoding: "base64", data: base64Lines(mail.html) });
  return msg.asRaw();
}
