// The passkey ceremonies in the browser: @simplewebauthn/browser (its own prebuilt bundle, served from this origin
// under the CSP's script-src 'self') plus a few lines that drive the forms marked data-passkey. Without JS, or
// without WebAuthn, the passkey forms stay hidden and every other form still works.
import WEBAUTHN_BROWSER from "../../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js";

const DRIVER = `"use strict";
(function () {
  var lib = window.SimpleWebAuthnBrowser;
  function ready() {
    if (!lib || !lib.browserSupportsWebAuthn()) return;
    document.querySelectorAll("[data-passkey-only]").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll("button[data-step-up-passkey]").forEach(function (button) {
      button.addEventListener("click", function () { stepUp(button); });
    });
    document.querySelectorAll("form[data-passkey]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-done") === "1") return;
        event.preventDefault();
        run(form);
      });
    });
  }
  function show(form, message) {
    var slot = form.querySelector("[data-passkey-error]");
    if (!slot) return;
    slot.textContent = message;
    slot.hidden = false;
  }
  // A ceremony's options, from a page route given the form's own fields (the CSRF token, a step-up proof); a refusal
  // rejects with the server's message, or the form's own words when there is none.
  function optionsFrom(url, form, failed) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString(),
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw { shown: (body && body.error && body.error.message) || failed };
        return body;
      });
    });
  }
  // "Use a passkey" at a step-up prompt: options for this session, the assertion into the form's webauthn field in
  // place of a code or password, then the form goes on as if submitted (a passkey form runs its own ceremony next).
  function stepUp(button) {
    var form = button.form;
    var box = button.closest("[data-step-up]");
    if (!form || !box) return;
    button.disabled = true;
    optionsFrom(button.getAttribute("data-step-up-passkey"), form, button.getAttribute("data-failed")).then(function (body) {
      return lib.startAuthentication({ optionsJSON: body });
    }).then(function (answer) {
      box.querySelector("input[name=webauthn]").value = JSON.stringify(answer);
      box.querySelectorAll("input[name=code], input[name=password]").forEach(function (el) { el.required = false; el.disabled = true; });
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }, function (err) {
      button.disabled = false;
      show(box, (err && err.shown) || button.getAttribute("data-cancelled"));
    });
  }
  function run(form) {
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var done = function () { if (button) button.disabled = false; };
    optionsFrom(form.getAttribute("data-options"), form, form.getAttribute("data-failed")).then(function (body) {
      return form.getAttribute("data-passkey") === "register"
        ? lib.startRegistration({ optionsJSON: body })
        : lib.startAuthentication({ optionsJSON: body });
    }).then(function (answer) {
      form.querySelector("input[name=response]").value = JSON.stringify(answer);
      form.setAttribute("data-done", "1");
      form.submit();
    }, function (err) {
      done();
      show(form, (err && err.shown) || form.getAttribute("data-cancelled"));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
`;

export const PASSKEYS_JS = `${WEBAUTHN_BROWSER}\n${DRIVER}`;
