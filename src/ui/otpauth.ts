// Reading back a key URI that a setup form carried (to show the same QR code again after a wrong code).
import { qrSvg } from "../totp";

/** The secret and account of an otpauth://totp URI, or null when it is not one. */
export function parseOtpauthUri(uri: unknown): { secret: string; email: string; otpauthUri: string; qrSvg: string } | null {
  if (typeof uri !== "string" || uri.length > 512 || !uri.startsWith("otpauth://totp/")) return null;
  try {
    const url = new URL(uri);
    const secret = url.searchParams.get("secret") ?? "";
    const label = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
    const email = label.includes(":") ? label.slice(label.indexOf(":") + 1) : label;
    if (!/^[A-Z2-7]{16,128}$/.test(secret)) return null;
    return { secret, email, otpauthUri: uri, qrSvg: qrSvg(uri) };
  } catch {
    return null;
  }
}
