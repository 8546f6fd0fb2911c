// Plumbing shared by the page routers: who is signed in, language, the form token, rendering, error words.
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import { CHALLENGE_TTL_SECONDS } from "../../constants";
import type { AppEnv } from "../../env";
import { ApiError, toApiError } from "../../errors";
import { authenticationResponse, totpCode } from "../../http/fields";
import { relyingParty } from "../../flows/passkeys";
import { freshSession, type StepUpProof } from "../../flows/step-up";
import { type Actor, effectiveRole, resolveActor } from "../../http/actor";
import { orgStub } from "../../org/stub";
import { csrfToken, csrfValid, CSRF_FIELD } from "../../ui/csrf";
import type { Catalog } from "../../ui/i18n/en";
import { catalog, chooseLang } from "../../ui/lang";
import type { PageCtx } from "../../ui/layout";
import type { StepUpAsk } from "../../ui/step-up";
import { MessagePage } from "../../ui/pages/sign-in";
import { rememberReturn } from "./return-to";
import { clearSessionCookie, hostCookieName, readSessionCookie } from "../../http/cookies";

export type SessionActor = Extract<Actor, { kind: "session" }>;
type C = Context<AppEnv>;

/** Pages are for browsers: only a session cookie signs someone in here (never a bearer key). */
export const page: MiddlewareHandler<AppEnv> = async (c, next) => {
  let actor: Actor = { kind: "anonymous" };
  try {
    const resolved = await resolveActor(c);
    if (resolved.kind === "session") actor = resolved;
  } catch (err) {
    // A malformed Authorization header is an API client's mistake; a page just treats it as signed out. Anything
    // else (the org's object unreachable) is our failure: an error page, not a signed-out visitor whose session
    // cookie would then be dropped (signInFirst).
    if (!(err instanceof ApiError)) throw err;
  }
  c.set("actor", actor);
  c.set("lang", chooseLang(c));
  await next();
  // Pages may hold one-time secrets (recovery codes, QR, API keys): never cached, never reused by back/forward.
  c.res.headers.set("cache-control", "no-store");
};

export function session(c: C): SessionActor | null {
  const actor = c.get("actor");
  return actor.kind === "session" ? actor : null;
}

/** Signed-in pages: a signed-out visitor goes to the sign-in page. */
export const needSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!session(c)) return signInFirst(c);
  await next();
};

/**
 * To the sign-in page, remembering the page asked for (return-to.ts). A session cookie that no longer signs anyone
 * in (expired, signed out elsewhere, ended by an admin) is dropped, and the sign-in page says why the visitor is there.
 */
function signInFirst(c: C) {
  rememberReturn(c);
  const ended = readSessionCookie(c) !== undefined;
  if (ended) clearSessionCookie(c);
  return c.redirect(ended ? "/?m=ended" : "/", 303);
}

export const needAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const s = session(c);
  if (!s) return signInFirst(c);
  if (effectiveRole(s.identity) !== "admin") {
    const ctx = await pageCtx(c);
    return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.errors.forbidden }), 403);
  }
  await next();
};

/** Every form post carries the token (see ui/csrf.ts); checked before any handler runs. */
export const csrf: MiddlewareHandler<AppEnv> = async (c, next) => {
  const form = await parseForm(c);
  if (!(await csrfValid(c, form[CSRF_FIELD]))) {
    const ctx = await pageCtx(c);
    // The page of recovery codes reloaded (or come Back to): confirming the app gave the session a new token, so the
    // form's token is old. Say that 2FA is on and where new codes are made, not that something went wrong.
    if (c.req.path === "/account/2fa/confirm" && session(c)?.identity.twoFactor.period != null) {
      const back = { href: "/account", label: ctx.t.codes.backToAccount };
      return render(c, MessagePage({ ctx, title: ctx.t.codes.enabledTitle, message: ctx.t.codes.enabledReload, back }), 409);
    }
    return render(c, MessagePage({ ctx, title: ctx.t.notSentTitle, message: ctx.t.errors.csrf }), 403);
  }
  await next();
};

export function sessionOf(c: C): SessionActor {
  const s = session(c);
  if (!s) throw new ApiError("unauthenticated");
  return s;
}

/** The signed-in person's org object. */
export function orgOf(c: C, actor: SessionActor = sessionOf(c)) {
  return orgStub(c.env, actor.route.slug, actor.route.jurisdiction);
}

/** The step-up prompt a stale session sees in place, before it submits (docs/api.md step-up); none when fresh. */
export function staleAsk(c: C, actor: SessionActor = sessionOf(c)): StepUpAsk | undefined {
  return freshSession(c.env, actor) ? undefined : { withCode: actor.identity.twoFactor.enabled };
}

/** Query parameters the pages themselves use (a flash message, audit paging, a list's search and page). */
const KEPT_QUERY = ["m", "before", "q", "cursor"];

export async function pageCtx(c: C, path?: string): Promise<PageCtx> {
  const lang = c.get("lang");
  const s = session(c);
  const url = new URL(c.req.url);
  // The language switch links back to this page: only our own harmless parameters are carried over, so the
  // page never reflects whatever else a link put in the query (e.g. a "next" pointing elsewhere).
  const kept = new URLSearchParams();
  for (const key of KEPT_QUERY) {
    const value = url.searchParams.get(key);
    if (value !== null) kept.set(key, value);
  }
  const search = kept.size ? `?${kept}` : "";
  return {
    t: catalog(lang),
    lang,
    csrf: await csrfToken(c),
    viewer: s
      ? {
          email: s.identity.user.email,
          isAdmin: effectiveRole(s.identity) === "admin",
          factors: {
            app: s.identity.twoFactor.period !== null,
            passkey: s.identity.twoFactor.passkeys > 0 && relyingParty(c.env, c.req.url) !== null,
          },
        }
      : null,
    path: path ?? (c.req.method === "GET" ? `${url.pathname}${search}` : "/"),
  };
}

export async function render(c: C, node: JSX.Element, status: 200 | 400 | 401 | 403 | 404 | 409 | 423 | 429 | 500 = 200) {
  return c.html(`<!doctype html>${(await node).toString()}`, status);
}

/**
 * The pages' one error handler (each page router's onError): a refusal is a page in the visitor's language with
 * its words and status, never the API's JSON; anything unexpected is logged (toApiError) and shown as a 500 page.
 */
export async function pageError(err: Error, c: C): Promise<Response> {
  if (!c.get("lang")) c.set("lang", chooseLang(c));
  if (!c.get("actor")) c.set("actor", { kind: "anonymous" });
  const known = toApiError(err);
  const ctx = await pageCtx(c, "/");
  c.header("cache-control", "no-store");
  if (known.status >= 500) return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: ctx.t.errors.generic }), 500);
  return render(c, MessagePage({ ctx, title: ctx.t.errorTitle, message: messageFor(ctx.t, known) }), statusOf(known));
}

/**
 * The pages' one form action: runs `act`; a refusal (an ApiError) is shown again by `again` (the form's page, in
 * the visitor's language, with the words for it) at the refusal's status; anything else goes to `pageError`.
 * `again` may also answer a Response of its own (a redirect, or a page with another status).
 */
export async function formAction(
  c: C,
  path: string,
  act: () => Promise<Response>,
  again: (ctx: PageCtx, words: string, err: ApiError) => JSX.Element | Response | Promise<Awaited<JSX.Element> | Response>,
): Promise<Response> {
  try {
    return await act();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const ctx = await pageCtx(c, path);
    const shown = await again(ctx, messageFor(ctx.t, err), err);
    return shown instanceof Response ? shown : render(c, shown as JSX.Element, statusOf(err));
  }
}

/** What parseForm throws for a body that is not a readable form: messageFor gives it its own words. */
const FORM_UNREADABLE = "The form could not be read.";

/** The posted form; a body that is not a readable form (e.g. broken multipart) is a 400, never a 500. */
export async function parseForm(c: Context) {
  try {
    return await c.req.parseBody();
  } catch {
    throw new ApiError("invalid_request", FORM_UNREADABLE);
  }
}

/** Text fields of a posted form (files and repeats ignored). */
export async function formOf(c: C): Promise<Record<string, string>> {
  const body = await parseForm(c);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

/** Parses one form field with the API's own schema; bad input is an ApiError the page shows, never a 500. */
export function formField<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError("invalid_request");
  return r.data;
}

/** What codeOf throws for a code that is not 6 digits: messageFor gives it its own words. */
const CODE_FORMAT = "The code must be 6 digits.";

/**
 * The TOTP code a form posts, parsed with the API's own field (spaces tolerated). Anything but 6 digits (an empty
 * field sent with a stray Enter, a recovery code in the wrong box) is a shown 400 and never reaches the org's
 * object, so it spends no attempt and writes no failure to the audit log.
 */
export function codeOf(form: Record<string, string>): string {
  const code = formField(totpCode, form.code ?? "");
  if (!/^\d{6}$/.test(code)) throw new ApiError("invalid_request", CODE_FORMAT);
  return code;
}

/** The words for a flow's error; anything that is not an ApiError is a bug and goes to onError. */
export function messageFor(t: Catalog, err: unknown): string {
  if (!(err instanceof ApiError)) throw err;
  if (err.code === "too_many_attempts") return t.errors.too_many_attempts(Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60)));
  // A refusal of the org's object keeps its reason: its words say exactly what happened.
  if (err.reason) return t.reasons[err.reason];
  if (err.code === "invalid_request" && err.message === CODE_FORMAT) return t.errors.codeFormat;
  if (err.code === "invalid_request" && err.message === FORM_UNREADABLE) return t.errors.formUnreadable;
  switch (err.code) {
    case "account_locked":
      return t.errors.account_locked;
    case "step_up_required":
      return t.stepUp.needed;
    // Said at the edge too (a code offered where only a passkey may stand): the org's words, not "went wrong".
    case "passkey_required":
      return t.reasons.passkey_required;
    case "invalid_credentials":
    case "invalid_code":
    case "conflict":
    case "enforced_by_org":
    case "already_enrolled":
    case "forbidden":
    case "invalid_request":
    case "not_found":
      return t.errors[err.code];
    default:
      return t.errors.generic;
  }
}

export function statusOf(err: unknown): 400 | 401 | 403 | 404 | 409 | 423 | 429 {
  const s = err instanceof ApiError ? err.status : 400;
  return s === 401 || s === 403 || s === 404 || s === 409 || s === 423 || s === 429 ? s : 400;
}

/** The passkey answer the step-up prompt's script put in the form (`webauthn`), checked with the API's schema. */
function webauthnOf(raw: string | undefined): StepUpProof["webauthn"] {
  if (!raw) return undefined;
  try {
    const parsed = authenticationResponse.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The step-up proof a page form carries, in the API's own field names (`code`, `password`, `webauthn`). */
export function stepUpProofOf(form: Record<string, string>): StepUpProof {
  return { code: form.code?.replace(/\s+/g, "") || undefined, password: form.password || undefined, webauthn: webauthnOf(form.webauthn) };
}

/**
 * The step-up prompt to show in place after `err` (or before any attempt when `err` is undefined and the
 * session is stale); undefined when the failure was something else.
 */
export function stepUpAskAfter(c: C, t: Catalog, err: unknown, proof: StepUpProof): StepUpAsk | undefined {
  if (!(err instanceof ApiError) || err.code !== "step_up_required") return undefined;
  const withCode = sessionOf(c).identity.twoFactor.enabled;
  const error = proof.webauthn
    ? t.stepUp.wrongPasskey
    : withCode && proof.code
      ? t.stepUp.wrongCode
      : !withCode && proof.password
        ? t.stepUp.wrongPassword
        : t.stepUp.needed;
  return { withCode, error };
}

// The sign-in challenge between page steps: a signed, short-lived JWT (never a session), kept in a strict,
// HttpOnly cookie so it stays out of URLs and history.
function challengeCookieName(c: C): string {
  return hostCookieName(c, "challenge");
}

export function setChallenge(c: C, challenge: string): void {
  setCookie(c, challengeCookieName(c), challenge, {
    path: "/",
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: CHALLENGE_TTL_SECONDS,
  });
}

export function readChallenge(c: C): string | undefined {
  return getCookie(c, challengeCookieName(c));
}

export function clearChallenge(c: C): void {
  deleteCookie(c, challengeCookieName(c), { path: "/", secure: true, httpOnly: true, sameSite: "Strict" });
}
