// A software WebAuthn authenticator for tests (ES256, attestation "none"): it answers the server's own options the
// way a browser and a platform authenticator would, with knobs to misbehave (wrong origin or RP ID, no user
// verification, a counter set by hand). It encodes with @simplewebauthn's CBOR helper; it parses nothing.
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";
import { BASE } from "./api";

const enc = new TextEncoder();

async function sha256(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(data)));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

/** WebCrypto signs ECDSA as r||s; WebAuthn carries it DER-encoded. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v: Uint8Array = b.slice(i);
    if ((v[0] as number) & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export interface Ceremony {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  /** The counter to report; by default the authenticator's own, incremented per assertion. */
  counter?: number;
}

const ORIGIN = BASE;
const RP_ID = new URL(BASE).hostname;

export class SoftAuthenticator {
  readonly credentialId = crypto.getRandomValues(new Uint8Array(32));
  private keys: CryptoKeyPair | null = null;
  counter = 0;
  /** The user handle of the last registration (a discoverable credential keeps it). */
  userHandle: string | undefined;

  get id(): string {
    return isoBase64URL.fromBuffer(this.credentialId);
  }

  private async keyPair(): Promise<CryptoKeyPair> {
    this.keys ??= (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    return this.keys;
  }

  private async authData(rpId: string, flags: number, counter: number, attested?: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return concat(await sha256(enc.encode(rpId)), new Uint8Array([flags]), u32(counter), attested ?? new Uint8Array());
  }

  /** Answers registration options (navigator.credentials.create). */
  async register(options: { challenge: string; user?: { id: string } }, c: Ceremony = {}) {
    const { publicKey } = await this.keyPair();
    const jwk = (await crypto.subtle.exportKey("jwk", publicKey)) as JsonWebKey;
    const cose = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, isoBase64URL.toBuffer(jwk.x as string)],
      [-3, isoBase64URL.toBuffer(jwk.y as string)],
    ]);
    const attested = concat(new Uint8Array(16), new Uint8Array([0, this.credentialId.length]), this.credentialId, isoCBOR.encode(cose));
    const flags = 0x01 | (c.userVerified === false ? 0 : 0x04) | 0x40;
    const authData = await this.authData(c.rpId ?? RP_ID, flags, c.counter ?? this.counter, attested);
    const clientData = { type: "webauthn.create", challenge: options.challenge, origin: c.origin ?? ORIGIN, crossOrigin: false };
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", authData],
      ]),
    );
    this.userHandle = options.user?.id;
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: isoBase64URL.fromUTF8String(JSON.stringify(clientData)),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** Answers authentication options (navigator.credentials.get). */
  async assert(options: { challenge: string }, c: Ceremony = {}) {
    const { privateKey } = await this.keyPair();
    if (c.counter === undefined) this.counter += 1;
    const flags = 0x01 | (c.userVerified === false ? 0 : 0x04);
    const authData = await this.authData(c.rpId ?? RP_ID, flags, c.counter ?? this.counter);
    const clientDataJSON = new Uint8Array(
      enc.encode(JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin: c.origin ?? ORIGIN, crossOrigin: false })),
    );
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, signed));
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        authenticatorData: isoBase64URL.fromBuffer(authData),
        signature: isoBase64URL.fromBuffer(new Uint8Array(derSignature(raw))),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }
}
