import { describe, expect, it } from "vitest";
import { buildMessage, fillLink } from "../../src/mail/messages";
import { toMime } from "../../src/mail/mime";

describe("building an email", () => {
  it("makes an RFC 5322 message with plain text and HTML parts, in workerd", () => {
    const msg = buildMessage(
      { email: "ana@example.com", name: "Ana <b>", locale: "fr" },
      { type: "2fa.recovery_code_used", remaining: 1 },
      "Acme",
    );
    expect(msg.subject).toBe("Un code de récupération a servi à vous connecter");
    expect(msg.text).toContain("Il vous reste 1 code de récupération.");
    expect(msg.html).toContain("Ana &#60;b&#62;");
    const raw = toMime({ outboxId: 1, messageId: "acme.1.0", from: "no-reply@example.com", ...msg });
    expect(raw).toMatch(/^Date: /m);
    expect(raw).toContain("Message-ID: <acme.1.0@example.com>");
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(raw).toMatch(/Content-Type: text\/plain; charset=UTF-8/i);
    expect(raw).toMatch(/Content-Type: text\/html; charset=UTF-8/i);
    // Accents survive: the plain part is UTF-8 in base64.
    const part = /Content-Type: text\/plain[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n\r?\n--/.exec(raw)?.[1] ?? "";
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(part.replace(/\s+/g, "")), (ch) => ch.charCodeAt(0)));
    expect(decoded).toContain("Il vous reste 1 code de récupération.");
  });

  it("puts the pairing link into both parts only at send time", () => {
    const msg = buildMessage({ email: "ana@example.com", name: "Ana", locale: "en" }, { type: "pairing.link", expiresAt: 0 }, "Acme");
    expect(msg.text).not.toContain("https://");
    const filled = fillLink(msg, "https://gatehouse.test/pair/gp.acme.-.abc");
    expect(filled.text).toContain("https://gatehouse.test/pair/gp.acme.-.abc");
    expect(filled.html).toContain('href="https://gatehouse.test/pair/gp.acme.-.abc"');
  });
});
