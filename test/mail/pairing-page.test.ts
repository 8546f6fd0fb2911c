import { describe, expect, it } from "vitest";
import { addUser, BASE, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { flakyTransport, linkIn, runAlarm, useTransport } from "../support/mail";
import { codeFor } from "../support/totp";

useTestClock();

const form = { "content-type": "application/x-www-form-urlencoded" };

describe("the pairing page", () => {
  it("opens from the email, sets up 2FA on another device and shows the recovery codes, with no session", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    const transport = flakyTransport(0);
    await useTransport(org.slug, transport);
    await call(`/api/org/users/${user.id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie });
    await runAlarm(org.slug);
    const path = linkIn(transport.sent[0] as never).slice(BASE.length);

    // Opening the link (as a mail scanner would) changes nothing: it only shows a button.
    const opened = await call(path);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(`action="${path}"`);

    const started = await call(path, { method: "POST", headers: form, body: "" });
    const html = await started.text();
    const secret = /Key: <code>([A-Z2-7]+)<\/code>/.exec(html)?.[1] as string;
    expect(secret).toBeTruthy();
    expect(html).toContain("data:image/svg+xml;base64,");

    const done = await call(`${path}/confirm`, { method: "POST", headers: form, body: `code=${codeFor(secret)}` });
    expect(done.status).toBe(200);
    expect(done.headers.getSetCookie()).toEqual([]);
    expect((await done.text()).match(/<li><code>/g)).toHaveLength(10);
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: user.email, password: user.password } });
    expect(login.body.status).toBe("2fa_required");

    expect((await call(path, { method: "POST", headers: form, body: "" })).status).toBe(404);
  });
});
