// The OpenID provider's single-use things, each decided in one transaction of the org's object: a code is
// issued against a live session, spent once (a second use revokes what the first issued, RFC 9700 4.2.1 /
// RFC 6749 4.1.2), a refresh token is rotated at every use and a reused one kills its family (RFC 9700 4.14.2).
import { nowMs } from "../../clock";
import { timingSafeEqual } from "../../crypto/compare";
import { ACCESS_TOKEN_TTL_SECONDS, AUTH_CODE_TTL_SECONDS, REFRESH_GRANT_MAX_DAYS } from "../../constants";
import { recordEvent } from "../audit";
import { isMultiFactor, parseAmr } from "../oidc-amr";
import type {
  AuthorizeInput,
  GrantClaims,
  OidcFailure,
  OidcResult,
  RedeemCodeInput,
  RefreshInput,
  TokenGrant,
  UserClaims,
} from "../oidc-rpc";
import {
  findCode,
  findGrant,
  type GrantRow,
  grantByRefresh,
  grantOfSpentRefresh,
  insertCode,
  insertGrant,
  revokeGrant,
  rotateRefresh,
  spendCode,
} from "../oidc-store";
import type { RequestMeta } from "../results";
import { findLiveSession, revokeSession, sessionPolicy, sessionStillOpen } from "../sessions";
import { readOrg } from "../settings";
import type { Store } from "../store";
import { emailVerified, findActiveUser, type UserRow } from "../users";

const refused = (error: OidcFailure) => ({ ok: false as const, error });

function claimsOf(store: Store, user: UserRow): UserClaims {
  return {
    sub: user.id,
    email: user.email,
    email_verified: emailVerified(user),
    name: user.name,
    org: readOrg(store.sql)?.slug ?? "",
    role: user.role === "admin" ? "admin" : "technician",
  };
}

function hasScope(scope: string, wanted: string): boolean {
  return scope.split(" ").includes(wanted);
}

/** Issues a code for the person signed in with this session, if the session satisfies the request. */
export function issueAuthCode(store: Store, input: AuthorizeInput): OidcResult<{ userId: string }> {
  const now = nowMs();
  return store.tx(() => {
    const session = findLiveSession(store.sql, input.sessionHash, now, sessionPolicy(store.env));
    const user = session && findActiveUser(store.sql, session.user_id);
    // A session closed by its owner's first factor (sessions.ts) stands on the password alone: an application's
    // 30-day refresh token is a lasting credential like an API key, so the person signs in again with the factor.
    if (!session || !user || !sessionStillOpen(store.sql, input.sessionHash, user.id)) return refused("login_required");
    if (input.authAfter !== null && session.created_at < input.authAfter) return refused("login_required");
    const amr = parseAmr(session.amr as string | null);
    if (input.requireMfa && !isMultiFactor(amr)) return refused("mfa_required");
    insertCode(store.sql, {
      code_hash: input.codeHash,
      client_id: input.clientId,
      user_id: user.id,
      session_hash: input.sessionHash,
      redirect_uri: input.redirectUri,
      code_challenge: input.codeChallenge,
      nonce: input.nonce,
      scope: input.scope,
      auth_time: session.created_at,
      amr: JSON.stringify(amr),
      sid: input.sid,
      created_at: now,
      expires_at: now + AUTH_CODE_TTL_SECONDS * 1000,
    });
    return { ok: true, value: { userId: user.id } };
  });
}

function tokenGrant(store: Store, grant: GrantRow, user: UserRow, nonce: string | null, refresh: boolean): TokenGrant {
  return {
    grantId: grant.id,
    claims: claimsOf(store, user),
    authTime: Math.floor(grant.auth_time / 1000),
    amr: parseAmr(grant.amr),
    sid: grant.sid,
    nonce,
    scope: grant.scope,
    refresh,
  };
}

function audit(
  store: Store,
  type: "oidc.tokens_issued" | "oidc.tokens_refreshed" | "oidc.code_reuse" | "oidc.refresh_reuse" | "oidc.tokens_revoked",
  grant: GrantRow,
  meta: RequestMeta,
  now: number,
  detail: Record<string, string | number | boolean> = {},
) {
  const user = findActiveUser(store.sql, grant.user_id);
  recordEvent(
    store.sql,
    {
      type,
      actor:
        type === "oidc.tokens_issued" || type === "oidc.tokens_refreshed"
          ? { type: "user", id: grant.user_id, label: user?.email }
          : { type: "system" },
      subject: { id: grant.user_id, label: user?.email },
      meta,
      detail: { client: grant.client_id, grant: grant.id, ...detail },
    },
    now,
  );
}

/**
 * The authorization_code grant: the code must be unspent, unexpired, this client's, for this redirect URI, and
 * its PKCE challenge must match the verifier's. A spent code presented again revokes the grant it made.
 */
export function redeemAuthCode(store: Store, input: RedeemCodeInput): OidcResult<TokenGrant> {
  const now = nowMs();
  return store.tx(() => {
    const code = findCode(store.sql, input.codeHash);
    if (!code) return refused("invalid_grant");
    if (code.used_at !== null) {
      // RFC 6749 4.1.2: whoever holds a copy of a used code is not the client that used it; end what it issued.
      const grant = code.grant_id ? findGrant(store.sql, code.grant_id) : undefined;
      if (grant && revokeGrant(store.sql, grant.id, now)) audit(store, "oidc.code_reuse", grant, input.meta, now);
      return refused("invalid_grant");
    }
    // Any failed redemption spends the code too: it was shown to someone, and a retry would be a guess.
    const matches =
      code.expires_at > now &&
      code.client_id === input.clientId &&
      code.redirect_uri === input.redirectUri &&
      timingSafeEqual(code.code_challenge, input.verifierChallenge);
    const user = findActiveUser(store.sql, code.user_id);
    // The session that signed in must still be alive: a code minted just before its sessions were revoked
    // (password change, 2FA reset, "sign out everywhere") gives nothing.
    const session = findLiveSession(store.sql, code.session_hash, now, sessionPolicy(store.env));
    const open = !!session && !!user && session.user_id === user.id && sessionStillOpen(store.sql, code.session_hash, user.id);
    if (!matches || !open) {
      spendCode(store.sql, code.code_hash, null, now);
      return refused("invalid_grant");
    }
    const offline = hasScope(code.scope, "offline_access");
    const grant: GrantRow = {
      id: input.grantId,
      client_id: code.client_id,
      user_id: user.id,
      session_hash: code.session_hash,
      scope: code.scope,
      auth_time: code.auth_time,
      amr: code.amr,
      sid: code.sid,
      refresh_hash: offline ? input.refreshHash : null,
      created_at: now,
      expires_at: now + (offline ? REFRESH_GRANT_MAX_DAYS * 86_400_000 : ACCESS_TOKEN_TTL_SECONDS * 1000),
      revoked_at: null,
    };
    insertGrant(store.sql, grant);
    spendCode(store.sql, code.code_hash, grant.id, now);
    audit(store, "oidc.tokens_issued", grant, input.meta, now, { grant_type: "authorization_code", refresh: offline });
    return { ok: true, value: tokenGrant(store, grant, user, code.nonce, offline) };
  });
}

/** The refresh_token grant: rotates the token; a spent one presented again revokes the whole family. */
export function refreshGrant(store: Store, input: RefreshInput): OidcResult<TokenGrant> {
  const now = nowMs();
  return store.tx(() => {
    const grant = grantByRefresh(store.sql, input.refreshHash);
    if (!grant) {
      const family = grantOfSpentRefresh(store.sql, input.refreshHash);
      // RFC 9700 4.14.2: either the client or an attacker holds a stolen copy; neither may go on.
      if (family && revokeGrant(store.sql, family.id, now)) audit(store, "oidc.refresh_reuse", family, input.meta, now);
      return refused("invalid_grant");
    }
    const user = findActiveUser(store.sql, grant.user_id);
    if (grant.client_id !== input.clientId || grant.revoked_at !== null || grant.expires_at <= now || !user)
      return refused("invalid_grant");
    // RFC 6749 6: no scope the grant does not hold, refused before the token is spent; a narrower one goes into this
    // answer's tokens only (the new refresh token keeps the grant's scope).
    const granted = grant.scope.split(" ");
    if (input.scope?.some((s) => !granted.includes(s))) return refused("invalid_scope");
    rotateRefresh(store.sql, grant, input.newRefreshHash, now);
    audit(store, "oidc.tokens_refreshed", grant, input.meta, now);
    const issued = tokenGrant(store, grant, user, null, true);
    return { ok: true, value: input.scope ? { ...issued, scope: granted.filter((s) => input.scope?.includes(s)).join(" ") } : issued };
  });
}

/** Userinfo: the person's current claims while the grant an access token came from is alive. */
export function grantClaims(store: Store, grantId: string, userId: string): GrantClaims | null {
  const grant = findGrant(store.sql, grantId);
  const user = findActiveUser(store.sql, userId);
  if (!grant || !user || grant.user_id !== userId || grant.revoked_at !== null) return null;
  // A grant without offline access lives as long as its access token; one with it, as long as the family.
  if (grant.expires_at <= nowMs()) return null;
  return { claims: claimsOf(store, user), amr: parseAmr(grant.amr), authTime: Math.floor(grant.auth_time / 1000), sid: grant.sid };
}

/** RFC 7009: a refresh token or an access token's grant, when it belongs to this client; silent otherwise. */
export function revokeToken(store: Store, input: { refreshHash?: string; grantId?: string; clientId: string; meta: RequestMeta }): void {
  const now = nowMs();
  store.tx(() => {
    const grant = input.refreshHash
      ? grantByRefresh(store.sql, input.refreshHash)
      : input.grantId
        ? findGrant(store.sql, input.grantId)
        : undefined;
    if (!grant || grant.client_id !== input.clientId) return;
    if (revokeGrant(store.sql, grant.id, now)) audit(store, "oidc.tokens_revoked", grant, input.meta, now, { by: "client" });
  });
}

/** RP-initiated logout: the browser session ends, and with it the grants it gave. */
export function endSession(store: Store, input: { sessionHash: string; meta: RequestMeta }): void {
  store.tx(() => revokeSession(store.sql, input.sessionHash));
}
