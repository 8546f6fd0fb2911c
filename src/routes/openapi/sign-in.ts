// Sign-in: the password step, the second step (code or recovery code), enrollment at sign-in, sign-out.
// Part of GET /api/openapi.json (./index.ts); the order of the entries is the document's.
import type { Endpoint } from "./endpoint";
import { codeBody, enrollBody, loginBody, recoveryBody } from "../auth";

export const SIGN_IN_ENDPOINTS: Endpoint[] = [
  {
    method: "post",
    path: "/auth/login",
    summary: "Password step; answers authenticated, 2fa_required or enrollment_required",
    auth: "none",
    body: loginBody,
    ok: 200,
    errors: [400, 401, 429],
  },
  {
    method: "post",
    path: "/auth/login/2fa",
    summary: "TOTP step of a 2fa_required challenge",
    auth: "none",
    body: codeBody,
    ok: 200,
    errors: [400, 401, 429],
  },
  {
    method: "post",
    path: "/auth/login/recovery",
    summary: "Recovery-code step of a 2fa_required challenge",
    auth: "none",
    body: recoveryBody,
    ok: 200,
    errors: [400, 401, 429],
  },
  {
    method: "post",
    path: "/auth/login/enroll",
    summary: "Start forced enrollment with an enrollment_required challenge",
    auth: "none",
    body: enrollBody,
    ok: 200,
    errors: [400, 401],
  },
  {
    method: "post",
    path: "/auth/login/enroll/confirm",
    summary: "Confirm forced enrollment; returns recovery codes and the session",
    auth: "none",
    body: codeBody,
    ok: 200,
    errors: [400, 401],
  },
  { method: "post", path: "/auth/logout", summary: "Revoke the session", auth: "none", ok: 204 },
];
