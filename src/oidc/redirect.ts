// Which redirect URIs a client may name at /oauth/authorize: one it registered, character for character (RFC 9700
// 2.1: no wildcard, no normalisation), except that a loopback IP redirect URI registered without a port takes any
// port (RFC 8252 7.3: a native app listens on a port the system gives it at the time of the request). One registered
// with a port is matched exactly, like any other.

/** http on a loopback IP literal ("localhost" is a name, not one: RFC 8252 8.3), an optional port, then the rest. */
const LOOPBACK_IP = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::([1-9]\d{0,4}))?([/?].*)?$/;

function loopbackParts(uri: string): { host: string; port: number | null; rest: string } | null {
  const m = LOOPBACK_IP.exec(uri);
  if (!m || uri.includes("#") || !URL.canParse(uri)) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && port > 65535) return null;
  return { host: m[1] as string, port, rest: m[3] ?? "" };
}

export function redirectAllowed(registered: readonly string[], requested: string, type: "confidential" | "public"): boolean {
  if (registered.includes(requested)) return true;
  // Only a native app (a public client) gets a port at run time. A confidential client's URIs match exactly: any
  // port would let another user of a shared machine listen on one and take a code the victim's session made.
  if (type !== "public") return false;
  const asked = loopbackParts(requested);
  if (!asked) return false;
  return registered.some((uri) => {
    const known = loopbackParts(uri);
    return known !== null && known.port === null && known.host === asked.host && known.rest === asked.rest;
  });
}
