// Recovery codes: 16 characters from a 32-letter alphabet without look-alikes (80 bits), shown as
// xxxx-xxxx-xxxx-xxxx, accepted whatever the case, dashes or spaces; only keyed hashes are stored.
import { RECOVERY_CODE_CHARS, RECOVERY_CODE_COUNT } from "../constants";
import { randomBytes } from "../crypto/encoding";
import { keyedHash } from "../crypto/tokens";

/** Crockford-style: no I, L, O or U, so 0/O and 1/I/L cannot be confused. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function newCode(): string {
  const bytes = randomBytes(RECOVERY_CODE_CHARS);
  // 256 is a multiple of 32, so taking each byte modulo 32 is unbiased.
  const chars = Array.from(bytes, (b) => ALPHABET[b % 32]).join("");
  return (chars.match(/.{4}/g) as string[]).join("-").toLowerCase();
}

/** The canonical form that is hashed: upper case, no separators, look-alikes folded. */
export function normalizeRecoveryCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]+/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
}

export function hashRecoveryCode(hashKey: string, code: string): Promise<string> {
  return keyedHash(hashKey, `recovery:${normalizeRecoveryCode(code)}`);
}

export async function newRecoveryCodes(hashKey: string): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const hashes = await Promise.all(codes.map((c) => hashRecoveryCode(hashKey, c)));
  return { codes, hashes };
}
