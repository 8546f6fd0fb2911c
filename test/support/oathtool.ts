// Codes from Debian's oathtool, an RFC 6238 implementation independent of the otpauth library the server uses.
// Node only (it runs a program): for the e2e and browser tests, never imported inside workerd.
import { execFileSync } from "node:child_process";

/** The TOTP code of `secret` (base32) at a given moment. */
export function oathtoolCode(secret: string, atMs: number, period = 30): string {
  const when = new Date(atMs)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
  return execFileSync("oathtool", ["--totp", "-b", `--time-step-size=${period}s`, `--now=${when}`, secret], { encoding: "utf8" }).trim();
}
