// The OpenID provider's own pages (error, sign-out question, the way back) speak the language the person chose
// on Gatehouse's pages (the lang cookie) or their browser's (Accept-Language), as every other page does.
import { describe, expect, it } from "vitest";
import { BASE, call, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { codeFlow, orgClient } from "./support";

useTestClock();

describe("the OpenID pages' language", () => {
  it("shows an authorization error page in French for a French browser, and in English otherwise", async () => {
    const q = new URLSearchParams({ client_id: "no-such-client", redirect_uri: "https://app.example.com/cb", response_type: "code" });
    const fr = await call(`/oauth/authorize?${q}`, { headers: { "accept-language": "fr-FR,fr;q=0.9,en;q=0.5" } });
    expect(fr.status).toBe(400);
    const page = await fr.text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain("Cette connexion ne peut pas continuer");
    expect(page).toContain("Cette application n’est pas enregistrée auprès de Gatehouse (client_id inconnu).");
    const en = await (await call(`/oauth/authorize?${q}`, { headers: { "accept-language": "de-DE" } })).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("This application is not registered with Gatehouse (unknown client_id).");
  });

  it("asks the sign-out question and says signed out in the language the person chose on the pages", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin, { name: "Appli" });
    await codeFlow(client, admin);
    // The lang cookie (set by the pages' language switch) wins over the browser's English.
    const cookie = `${admin}; lang=fr`;
    const q = new URLSearchParams({ client_id: client.clientId, post_logout_redirect_uri: "https://app.example.com/bye" });
    const asked = await call(`/oauth/logout?${q}`, { cookie, headers: { "accept-language": "en" } });
    expect(asked.status).toBe(200);
    const page = await asked.text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain("Appli demande à vous déconnecter de Gatehouse.");
    expect(page).toContain(">Se déconnecter</button>");
    expect(page).toContain('<a href="/">Rester connecté</a>');

    const fields = new URLSearchParams(
      [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    const done = await call("/oauth/logout/confirm", {
      cookie,
      body: fields.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "sec-fetch-site": "same-origin" },
    });
    expect(done.status).toBe(200);
    const back = await done.text();
    expect(back).toContain("<h1>Déconnecté</h1>");
    expect(back).toContain(">Continuer vers l’application</a>");
  });
});
