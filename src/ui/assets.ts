// The pages' only stylesheet and script, served as files so the CSP can stay 'self' (no inline code or style).
export const APP_CSS = `
:root{--bg:#f5f6f8;--card:#fff;--ink:#1b2330;--muted:#4f5a6a;--line:#d6dbe3;--brand:#1d4ed8;--brand-ink:#fff;
--ok-bg:#e8f5ec;--ok:#1c6b36;--bad-bg:#fdecec;--bad:#a11b1b;--warn-bg:#fff6e0;--warn:#7a4d00;--focus:#f59e0b;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg);line-height:1.5}
*{box-sizing:border-box}
body{margin:0}
a{color:var(--brand)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem 1rem;z-index:2}
.skip:focus{left:.5rem}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.75rem 1.25rem;background:#111827;color:#fff}
.top a{color:#fff}
.brand{font-weight:700;font-size:1.1rem;letter-spacing:.02em;color:#fff;text-decoration:none}
.top nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
.top nav a{text-decoration:none;padding:.25rem 0;border-bottom:2px solid transparent}
.top nav a[aria-current=page]{border-bottom-color:#93c5fd}
.tools{margin-left:auto;display:flex;align-items:center;gap:1rem;flex-wrap:wrap}
.tools form{margin:0}
.who{color:#d1d5db;font-size:.9rem}
.wrap{max-width:56rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.narrow{max-width:28rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:0 0 .75rem}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1.25rem 1.25rem;margin:0 0 1.25rem}
.lead,.hint{color:var(--muted)}
.hint{font-size:.9rem;margin:.25rem 0 0}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .3rem}
input[type=text],input[type=email],input[type=password],input[type=search],select,textarea{width:100%;max-width:28rem;font:inherit;padding:.55rem .65rem;border:1px solid #8a94a3;border-radius:6px;background:#fff;color:var(--ink)}
input[aria-invalid=true],textarea[aria-invalid=true]{border-color:var(--bad);border-width:2px}
.check{display:flex;gap:.6rem;align-items:flex-start}
.check input{width:1.2rem;height:1.2rem;margin-top:.2rem}
.check label{margin:0}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:600;margin-bottom:.3rem}
fieldset.step-up{border:1px solid #f0d28a;background:var(--warn-bg);border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem}
fieldset.step-up .hint{margin:0 0 .5rem;color:var(--warn)}
.radios{display:flex;gap:1.25rem}
.radios label{font-weight:400;display:flex;gap:.4rem;align-items:center}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.55rem 1rem;border-radius:6px;border:1px solid var(--brand);background:var(--brand);color:var(--brand-ink);cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.danger{background:#b91c1c;border-color:#b91c1c}
button.link{background:none;border:0;padding:0;color:inherit;text-decoration:underline;font-weight:400}
button:disabled{background:#c7ccd4;border-color:#c7ccd4;color:#374151;cursor:not-allowed}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0}
.alert{border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;border:1px solid}
.alert.error{background:var(--bad-bg);color:var(--bad);border-color:#f3b4b4}
.alert.ok{background:var(--ok-bg);color:var(--ok);border-color:#a7d8b5}
.alert.warn{background:var(--warn-bg);color:var(--warn);border-color:#f0d28a}
.field-error{color:var(--bad);font-size:.9rem;margin:.3rem 0 0}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.85rem;font-weight:600}
.badge.on{background:var(--ok-bg);color:var(--ok)}
.badge.off{background:var(--warn-bg);color:var(--warn)}
.badge.locked{background:var(--bad-bg);color:var(--bad);margin-left:.35rem}
.row-actions{list-style:none;margin:0;padding:0}
.row-actions a{white-space:nowrap;display:inline-block;padding:.3rem 0}
.qr{display:flex;flex-wrap:wrap;gap:1.25rem;align-items:center;margin-bottom:1.25rem}
.qr img{width:220px;height:220px;background:#fff;border:1px solid var(--line);border-radius:8px;image-rendering:pixelated}
.key{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05rem;word-break:normal;overflow-wrap:normal;display:inline-block;max-width:100%;background:#f1f3f6;padding:.35rem .5rem;border-radius:6px}
.codes{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.4rem 1.5rem;list-style:none;padding:1rem;margin:0 0 1rem;background:#f1f3f6;border-radius:8px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.55rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
td form{margin:0}
td{overflow-wrap:anywhere}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.inline-form{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-start;margin:.75rem 0 0}
.inline-form .field{margin:0;flex:0 1 16rem}
.inline-form .field+button{margin-top:1.8rem}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
td code,.field-error code{overflow-wrap:anywhere}
.uris{list-style:none;margin:0;padding:0}
@media (max-width:40rem){.top{padding:.6rem .9rem}.tools{margin-left:0}.codes{grid-template-columns:1fr}.card{padding:1rem}
.inline-form .field+button{margin-top:0}
td,th{padding:.45rem .3rem}
table.stacks thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
table.stacks tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
table.stacks td{display:block;border:0;padding:.2rem 0}
table.stacks td[data-label]::before{content:attr(data-label);display:block;font-size:.75rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.row-actions a{padding:.55rem 0}}
@media print{.top,.actions,.skip{display:none}.card{border:0}body{background:#fff}}
`;

/** Copy and Print for the recovery codes, and one submission per form; everything else works without it. */
export const APP_JS = `"use strict";
// One submission per form: a double click on "Verify" sent the code twice, and the second answer (the code already
// spent, the sign-in over) replaced the first's, which had signed the person in. A form sent in the last 10 s is not
// sent again; coming Back to the page (the browser's page cache) forgets it. A passkey form sends itself (passkeys.js).
document.addEventListener("submit", function (event) {
  if (event.defaultPrevented || !(event.target instanceof HTMLFormElement)) return;
  var form = event.target;
  if (Date.now() - Number(form.getAttribute("data-sent") || 0) < 10000) { event.preventDefault(); return; }
  form.setAttribute("data-sent", String(Date.now()));
});
window.addEventListener("pageshow", function (event) {
  if (event.persisted) document.querySelectorAll("form[data-sent]").forEach(function (form) { form.removeAttribute("data-sent"); });
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
  // On a phone a table's row becomes a stack of labelled cells (app.css, table.stacks), so a row's last cells (its
  // actions) are on screen rather than past the card's edge. Each cell is labelled with its column's heading.
  document.querySelectorAll("table").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (heads.length === 0) return;
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (cell, i) {
        if (heads[i] && cell.textContent.trim()) cell.setAttribute("data-label", heads[i]);
      });
    });
    table.classList.add("stacks");
  });
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-action]") : null;
    if (!el) return;
    var action = el.getAttribute("data-action");
    if (action === "print") window.print();
    if (action === "copy") {
      var source = document.getElementById(el.getAttribute("data-target") || "");
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.innerText.trim()).then(function () {
        el.textContent = el.getAttribute("data-done") || el.textContent;
      }, function () {});
    }
  });
});
`;

/** The site icon (a shield), served at /favicon.ico too, where browsers ask for one unprompted. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#111827"/>' +
  '<path d="M16 5l9 3.5v6.8c0 5.6-3.8 9.9-9 11.7-5.2-1.8-9-6.1-9-11.7V8.5z" fill="#1d4ed8"/>' +
  '<path d="M11.5 16.2l3.2 3.2 6-6.4" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/></svg>';
