// Builds each email (subject, plain text and HTML) in the recipient's language. Called inside the org object's
// transactions, so it is pure and synchronous. MIME is assembled at send time (mime.ts).
import { EMAIL_CHANGE_TTL_HOURS, EMAIL_VERIFY_TTL_DAYS, INVITE_TTL_DAYS, PAIRING_TTL_MINUTES } from "../constants";
import type { AuditActor } from "../org/results";
import { COPY, type MailCopy, type MailLocale } from "./copy";

/** Where the pairing URL goes: filled in at send time from the sealed link, so the body never holds it. */
export const LINK_SLOT = "{{pairing_link}}";

export interface MailMessage {
  kind: MailEvent["type"];
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Not worth sending after this (a pairing link that has expired). */
  expiresAt?: number;
}

export interface Recipient {
  email: string;
  name: string;
  locale: string;
}

export type MailEvent =
  | { type: "2fa.enabled"; method?: "app" | "passkey" }
  | { type: "2fa.disabled" }
  | { type: "2fa.app_removed" }
  | { type: "passkey.added"; name: string }
  | { type: "passkey.removed"; name: string }
  | { type: "password.changed" }
  | { type: "2fa.reset"; by: AuditActor }
  | { type: "2fa.recovery_code_used"; remaining: number }
  | { type: "2fa.recovery_codes_regenerated" }
  | { type: "org.require_2fa_changed"; enabled: boolean; by: AuditActor }
  | { type: "pairing.link"; expiresAt: number }
  | { type: "invite"; expiresAt: number; by: AuditActor; role: "technician" | "admin" }
  | { type: "email.verify"; expiresAt: number }
  | { type: "email.change_link"; expiresAt: number }
  | { type: "email.change_requested"; newEmail: string }
  | { type: "email.changed"; newEmail: string }
  | { type: "account.locked"; cause: "password" | "code" }
  | { type: "account.locked_out" }
  | { type: "account.locked_out_admin"; who: string }
  | { type: "account.deactivated"; by: AuditActor }
  | { type: "account.removed"; by: AuditActor }
  | { type: "sessions.revoked"; by: AuditActor };

export function mailLocale(value: string | null | undefined): MailLocale {
  return value === "fr" ? "fr" : "en";
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function actorName(t: MailCopy, by: AuditActor): string {
  if (by.type === "operator") return t.actors.operator;
  if (by.type === "user" || by.type === "api_key") return t.actors.admin(by.label ?? by.id ?? "?");
  return t.actors.system;
}

interface Parts {
  subject: string;
  paragraphs: string[];
  action?: { label: string; href: string };
}

function partsOf(t: MailCopy, event: MailEvent, org: string): Parts {
  switch (event.type) {
    case "2fa.enabled":
      return { subject: t.enabled.subject, paragraphs: [event.method === "passkey" ? t.enabled.bodyPasskey : t.enabled.body, t.notYou] };
    case "2fa.disabled":
      return { subject: t.disabled.subject, paragraphs: [t.disabled.body, t.notYou] };
    case "2fa.app_removed":
      return { subject: t.appRemoved.subject, paragraphs: [t.appRemoved.body, t.notYou] };
    case "2fa.reset":
      // Done by an admin or support, not by the person: "if this was not you" would not fit.
      return { subject: t.reset.subject, paragraphs: [t.reset.body(actorName(t, event.by)), t.reset.unexpected] };
    case "passkey.added":
      return { subject: t.passkeyAdded.subject, paragraphs: [t.passkeyAdded.body(event.name), t.notYou] };
    case "passkey.removed":
      return { subject: t.passkeyRemoved.subject, paragraphs: [t.passkeyRemoved.body(event.name), t.notYou] };
    case "password.changed":
      return { subject: t.passwordChanged.subject, paragraphs: [t.passwordChanged.body, t.notYou] };
    case "2fa.recovery_code_used": {
      const low = event.remaining <= 3 ? [t.recoveryUsed.low] : [];
      return { subject: t.recoveryUsed.subject, paragraphs: [t.recoveryUsed.body(event.remaining), ...low, t.notYou] };
    }
    case "2fa.recovery_codes_regenerated":
      return { subject: t.regenerated.subject, paragraphs: [t.regenerated.body, t.notYou] };
    case "org.require_2fa_changed":
      return {
        subject: t.enforcement.subject(event.enabled),
        paragraphs: [capitalize(t.enforcement.body(event.enabled, actorName(t, event.by), org))],
      };
    case "account.locked":
      return {
        subject: t.locked.subject,
        paragraphs: [event.cause === "code" ? t.locked.afterCodes : t.locked.afterPasswords, t.locked.advice],
      };
    case "account.locked_out":
      return { subject: t.lockedOut.subject, paragraphs: [t.lockedOut.body, t.locked.advice] };
    case "account.locked_out_admin":
      return { subject: t.lockedOut.adminSubject(event.who), paragraphs: [t.lockedOut.adminBody(event.who, org)] };
    case "account.deactivated":
      return { subject: t.people.deactivated.subject, paragraphs: [t.people.deactivated.body(actorName(t, event.by), org)] };
    case "account.removed":
      return { subject: t.people.removed.subject, paragraphs: [t.people.removed.body(actorName(t, event.by), org)] };
    case "sessions.revoked":
      return { subject: t.people.signedOut.subject, paragraphs: [capitalize(t.people.signedOut.body(actorName(t, event.by))), t.notYou] };
    case "pairing.link":
      return {
        subject: t.pairing.subject,
        paragraphs: [t.pairing.body(PAIRING_TTL_MINUTES), t.pairing.ignore],
        action: { label: t.pairing.action, href: LINK_SLOT },
      };
    case "invite":
      return {
        subject: t.invite.subject(org),
        paragraphs: [t.invite.body(actorName(t, event.by), org, event.role, INVITE_TTL_DAYS), t.invite.ignore],
        action: { label: t.invite.action, href: LINK_SLOT },
      };
    case "email.verify":
      return {
        subject: t.verify.subject,
        paragraphs: [t.verify.body(EMAIL_VERIFY_TTL_DAYS), t.verify.ignore],
        action: { label: t.verify.action, href: LINK_SLOT },
      };
    case "email.change_link":
      return {
        subject: t.changeLink.subject,
        paragraphs: [t.changeLink.body(EMAIL_CHANGE_TTL_HOURS), t.changeLink.ignore],
        action: { label: t.changeLink.action, href: LINK_SLOT },
      };
    case "email.change_requested":
      return { subject: t.changeRequested.subject, paragraphs: [t.changeRequested.body(event.newEmail), t.notYou] };
    case "email.changed":
      return { subject: t.changed.subject, paragraphs: [t.changed.body(event.newEmail), t.notYou] };
  }
}

/** The message for one event and one recipient, in the recipient's language. */
export function buildMessage(to: Recipient, event: MailEvent, org: string): MailMessage {
  const t = COPY[mailLocale(to.locale)];
  const p = partsOf(t, event, org);
  const [first, ...rest] = p.paragraphs;
  const textParts = [t.greeting(to.name || to.email), first ?? "", ...(p.action ? [p.action.href] : []), ...rest, "--", t.footer(org)];
  const para = (s: string) => `<p style="margin:0 0 1em">${escapeHtml(s)}</p>`;
  const button = p.action
    ? `<p style="margin:0 0 1em"><a href="${p.action.href}" style="display:inline-block;padding:.6em 1em;background:#1f4fd1;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(p.action.label)}</a></p>
<p style="margin:0 0 1em;font-size:.9em;color:#444">${p.action.href}</p>`
    : "";
  const html = `<!doctype html><html lang="${mailLocale(to.locale)}"><body style="font-family:system-ui,sans-serif;color:#111;line-height:1.5">
${para(t.greeting(to.name || to.email))}${para(first ?? "")}${button}${rest.map(para).join("")}
<hr><p style="font-size:.85em;color:#555">${escapeHtml(t.footer(org))}</p></body></html>`;
  return {
    kind: event.type,
    to: to.email,
    subject: p.subject,
    text: `${textParts.join("\n\n")}\n`,
    html,
    // A link is not worth sending once it has expired.
    ...("expiresAt" in event ? { expiresAt: event.expiresAt } : {}),
  };
}

/** Puts the opened pairing URL into the slot; the URL is base64url and https, escaped anyway for HTML. */
export function fillLink(msg: { text: string; html: string }, url: string): { text: string; html: string } {
  return { text: msg.text.split(LINK_SLOT).join(url), html: msg.html.split(LINK_SLOT).join(escapeHtml(url)) };
}
