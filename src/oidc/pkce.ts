// SHA-256 in base64url: RFC 7636 4.6's S256 (code_challenge = BASE64URL(SHA256(ASCII(code_verifier)))).
import { toBase64Url, utf8 } from "../crypto/encoding";

export async function sha256Base64Url(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));
}

export const s256 = sha256Base64Url;
