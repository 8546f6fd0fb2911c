// How a session's user was authenticated, as RFC 8176 "amr" values, kept on the session for the OpenID work:
// "hwk" for a device-bound passkey, "swk" for a synced one; "pwd" when a password came first; "mfa" either way
// (a passkey is possession plus the device's user verification); "user" for a passwordless sign-in's UV.
// The other methods' values are in ../oidc-amr.ts; both are written with setSessionAmr (../oidc-store.ts).
import type { PasskeyRow } from "../passkeys";

export function amrOf(passkey: PasskeyRow, how: "second_step" | "passwordless"): string[] {
  const key = passkey.backed_up === 1 || passkey.device_type === "multiDevice" ? "swk" : "hwk";
  return how === "passwordless" ? [key, "mfa", "user"] : ["pwd", key, "mfa"];
}
