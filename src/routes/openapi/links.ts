// Links sent by mail: pairing an authenticator, invitations and confirming a change of address.
// Part of GET /api/openapi.json (./index.ts); the order of the entries is the document's.
import type { Endpoint } from "./endpoint";
import * as f from "../../http/fields";
import { acceptBody, emailLinkBody, inviteBody } from "../invites";
import { emailChangeBody } from "../me";
import { pairConfirmBody, pairingLinkBody, pairSetupBody } from "../pairing";

export const LINK_ENDPOINTS: Endpoint[] = [
  {
    method: "post",
    path: "/api/pairing-link",
    summary: "Retired: sends nothing (links come from a signed-in user's Account page or an admin); always 202",
    auth: "none",
    body: pairingLinkBody,
    ok: 202,
    errors: [400],
  },
  {
    method: "post",
    path: "/api/pair/{token}/setup",
    summary: "Start TOTP setup from a pairing link; needs the account's password (a wrong one counts toward the lockout)",
    auth: "none",
    body: pairSetupBody,
    ok: 200,
    errors: [400, 401, 404, 409, 429],
  },
  {
    method: "post",
    path: "/api/pair/{token}/confirm",
    summary: "Confirm the setup made through this link with a code; returns 10 recovery codes and spends the link",
    auth: "none",
    body: pairConfirmBody,
    ok: 200,
    errors: [400, 401, 404, 409, 429],
  },
  {
    method: "post",
    path: "/api/org/invites",
    summary: "Invite an email with a role (an admin: step-up, never a key); mails a single-use link valid 7 days",
    auth: "admin",
    body: inviteBody,
    ok: 201,
    errors: [400, 401, 403, 409],
  },
  { method: "get", path: "/api/org/invites", summary: "Pending invites", auth: "admin", ok: 200, errors: [401, 403] },
  {
    method: "post",
    path: "/api/org/invites/{id}/resend",
    summary: "Mail a new link for a pending invite (7 days from now); the old link dies",
    auth: "admin",
    body: f.stepUpBody,
    ok: 200,
    errors: [400, 401, 403, 404],
  },
  {
    method: "delete",
    path: "/api/org/invites/{id}",
    summary: "Revoke a pending invite; its link dies",
    auth: "admin",
    ok: 204,
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/api/invites/accept",
    summary: "Accept an invite: creates the account, then as POST /auth/login (authenticated + cookie, or enrollment_required)",
    auth: "none",
    body: acceptBody,
    ok: 200,
    errors: [400, 401, 409],
  },
  {
    method: "post",
    path: "/api/me/email",
    summary: "Change one's email (step-up): a link goes to the new address, the old one is told; nothing changes until it is followed",
    auth: "session",
    body: emailChangeBody,
    ok: 202,
    errors: [400, 401, 403, 409, 429],
  },
  {
    method: "post",
    path: "/api/email/confirm",
    summary: "Follow an email link: verifies the address (status verified) or completes a change of address (status changed)",
    auth: "none",
    body: emailLinkBody,
    ok: 200,
    errors: [400, 401, 409],
  },
];
