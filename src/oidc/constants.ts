// The OpenID provider's limits, each with its unit and source (the lifetimes of its codes and tokens, which the
// org's object also keeps, are in ../constants.ts).

/** Random sizes in bytes (>= 128 bits: RFC 9700 4.2.1, NIST SP 800-63B 7.1). */
export const AUTH_CODE_BYTES = 32;
export const REFRESH_TOKEN_BYTES = 32;
export const CLIENT_SECRET_BYTES = 32;
/** How long a signed authorization request may wait on the sign-in pages before it must start again. */
export const AUTHORIZE_REQUEST_TTL_SECONDS = 15 * 60;
/** Registration limits: enough for a real app, small enough that a client record stays tiny. */
export const MAX_REDIRECT_URIS = 10;
export const MAX_URI_LENGTH = 2000;
/** RFC 7636 4.1: a code_verifier is 43-128 characters of [A-Za-z0-9-._~]. */
export const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is base64url(SHA-256(verifier)): exactly 43 characters. */
export const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** state and nonce are opaque to us; bound their size so a request stays small. */
export const MAX_STATE_LENGTH = 500;
/**
 * An authorization request's query string, at most: it must fit in the pending-request cookie (4 KB) once signed,
 * beside the application's name (100 characters, up to 300 bytes) and its org's slug: 3,921 bytes at every limit.
 */
export const MAX_REQUEST_LENGTH = 2400;
