// The org object's OpenID provider methods (actions/oidc-clients.ts, actions/oidc-tokens.ts): what each takes
// and gives. Failures are OAuth's own error codes, not docs/api.md reasons: the /oauth/* endpoints answer in
// RFC 6749's format, and the client-registration API maps the one reason it needs ("not_found").
import type { FormIdRefusal } from "./form-ids";
import type { AuditActor, RequestMeta, Result, Role } from "./results";

export type ClientType = "confidential" | "public";

/** A registered client as the edge needs it; secretHash is the keyed hash of the secret (never the secret). */
export interface OidcClient {
  id: string;
  name: string;
  type: ClientType;
  secretHash: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** The org whose users alone may use it; null: a platform client, any org's users. */
  orgSlug: string | null;
  createdAt: number;
  createdBy: string;
}

/** What the list APIs show (never the secret's hash). */
export type OidcClientInfo = Omit<OidcClient, "secretHash">;

export interface NewOidcClient {
  id: string;
  name: string;
  type: ClientType;
  secretHash: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  createdBy: string;
  /** The registering admin's session token hash: it must still stand as the edge saw it (sessions.ts sessionStillOpen). */
  sessionTokenHash: string;
  /** The Applications page form's single-use id (form-ids.ts), spent with the client; the JSON API sends none. */
  formId?: string;
  actor: AuditActor;
  meta: RequestMeta;
}

/** RFC 6749 5.2 / OIDC Core 3.1.2.6 codes the org object can decide. */
export type OidcFailure = "invalid_grant" | "invalid_scope" | "login_required" | "mfa_required" | "access_denied";
export type OidcResult<T> = { ok: true; value: T } | { ok: false; error: OidcFailure };

/** The person, as the ID token and userinfo describe them. */
export interface UserClaims {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  org: string;
  role: Role;
}

/** What userinfo answers while a grant lives: the person now, and how they signed in then. */
export interface GrantClaims {
  claims: UserClaims;
  amr: string[];
  authTime: number;
  sid: string;
}

export interface AuthorizeInput {
  sessionHash: string;
  clientId: string;
  redirectUri: string;
  codeHash: string;
  codeChallenge: string;
  nonce: string | null;
  scope: string;
  sid: string;
  /** prompt=login or max_age: the session must have signed in at or after this time (ms), else login_required. */
  authAfter: number | null;
  /** acr_values asked for MFA: a session without a second factor gets mfa_required. */
  requireMfa: boolean;
}

/** A grant as the token endpoint turns it into tokens. */
export interface TokenGrant {
  grantId: string;
  claims: UserClaims;
  /** Seconds since the epoch (OIDC Core 2 auth_time). */
  authTime: number;
  amr: string[];
  sid: string;
  nonce: string | null;
  scope: string;
  /** Whether the new refresh token (its hash was sent in) is now live for this grant. */
  refresh: boolean;
}

export interface RedeemCodeInput {
  codeHash: string;
  clientId: string;
  redirectUri: string;
  /** base64url(SHA-256(code_verifier)), computed at the edge (RFC 7636 4.6). */
  verifierChallenge: string;
  grantId: string;
  refreshHash: string;
  meta: RequestMeta;
}

export interface RefreshInput {
  refreshHash: string;
  clientId: string;
  newRefreshHash: string;
  /** The scopes the refresh asks for (RFC 6749 6), or null when it names none: then the grant's own. */
  scope: string[] | null;
  meta: RequestMeta;
}

export interface OidcRpc {
  registerOidcClient(input: NewOidcClient): Result<OidcClientInfo, FormIdRefusal | "not_found" | "forbidden" | "step_up_required">;
  listOidcClients(): OidcClientInfo[];
  revokeOidcClient(input: { id: string; actor: AuditActor; meta: RequestMeta }): Result<null, "not_found">;
  oidcClient(id: string): OidcClient | null;
  issueAuthCode(input: AuthorizeInput): OidcResult<{ userId: string }>;
  redeemAuthCode(input: RedeemCodeInput): OidcResult<TokenGrant>;
  refreshGrant(input: RefreshInput): OidcResult<TokenGrant>;
  grantClaims(grantId: string, userId: string): GrantClaims | null;
  revokeOidcToken(input: { refreshHash?: string; grantId?: string; clientId: string; meta: RequestMeta }): void;
  endOidcSession(input: { sessionHash: string; meta: RequestMeta }): void;
}
