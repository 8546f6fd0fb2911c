// TOTP (RFC 6238) through otpauth, and the enrollment QR code through qrcode-svg: the only users of both.
import { HOTP, Secret } from "otpauth";
import QRCode from "qrcode-svg";
import { PRODUCT_NAME, TOTP_ALGORITHM, TOTP_DIGITS, TOTP_SECRET_BYTES, TOTP_WINDOW_STEPS } from "./constants";
import { timingSafeEqual } from "./crypto/compare";

export interface EnrollmentInfo {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  algorithm: typeof TOTP_ALGORITHM;
  digits: number;
  period: number;
}

/** A fresh 160-bit secret in base32, as authenticator apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: TOTP_SECRET_BYTES }).base32;
}

/** The key URI exactly as docs/api.md spells it (Google Authenticator "Key Uri Format"). */
export function otpauthUri(secret: string, email: string, period: number): string {
  const label = (s: string) => encodeURIComponent(s).replace(/%40/g, "@");
  const issuer = encodeURIComponent(PRODUCT_NAME);
  return (
    `otpauth://totp/${label(PRODUCT_NAME)}:${label(email)}?secret=${secret}&issuer=${issuer}` +
    `&algorithm=${TOTP_ALGORITHM}&digits=${TOTP_DIGITS}&period=${period}`
  );
}

export function qrSvg(content: string): string {
  return new QRCode({ content, ecl: "M", padding: 4, join: true, container: "svg-viewbox", xmlDeclaration: false }).svg();
}

export function enrollmentInfo(secret: string, email: string, period: number): EnrollmentInfo {
  const uri = otpauthUri(secret, email, period);
  return { secret, otpauthUri: uri, qrSvg: qrSvg(uri), algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, period };
}

/** The RFC 6238 time step of a moment. */
export function timeStep(nowMs: number, period: number): number {
  return Math.floor(nowMs / 1000 / period);
}

/** The code of one time step (used by tests and the benchmark client too). */
export function codeAt(secret: string, step: number): string {
  return hotp(Secret.fromBase32(secret), step);
}

function hotp(key: Secret, step: number): string {
  return HOTP.generate({ secret: key, algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, counter: step });
}

/**
 * The time steps a code matches within one step of drift, ascending, or null when it matches none or one already
 * `used` (replay, RFC 6238 section 5.2). Every candidate is computed and compared in constant time. The caller
 * marks every step returned as used: six digits repeat at a neighbouring step about once in a million, and burning
 * only one would let the same digits pass again at the other. An unused step before a used one still passes (a code
 * from one step before, typed just after a newer one was accepted), so the window is the same for every code.
 */
export function matchSteps(secret: string, code: string, nowMs: number, period: number, used: (step: number) => boolean): number[] | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = Secret.fromBase32(secret);
  const current = timeStep(nowMs, period);
  const steps: number[] = [];
  for (let step = current - TOTP_WINDOW_STEPS; step <= current + TOTP_WINDOW_STEPS; step++) {
    if (timingSafeEqual(hotp(key, step), code)) steps.push(step);
  }
  return steps.length > 0 && !steps.some(used) ? steps : null;
}
