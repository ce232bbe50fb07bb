/**
 * The sandbox provider's sign-in page: one button per seeded person, plus an email field for
 * typing one in. No passwords: it stands in for Entra, and only in embedded mode.
 */
import type { DemoUser } from "@/prisma/demo-data";

export function accountPickerPage(uid: string, users: readonly DemoUser[], error?: string): string {
  const action = `/interaction/${encodeURIComponent(uid)}/login`;
  const cards = users
    .map(
      (u) => `<li><form method="post" action="${action}">
  <input type="hidden" name="oid" value="${escapeHtml(u.oid)}">
  <button type="submit" class="pick" aria-label="Continue as ${escapeHtml(u.name)}">
    <span class="name">${escapeHtml(u.name)}</span>
    <span class="meta">${escapeHtml(u.blurb)} · ${escapeHtml(u.email)}</span>
    <span class="roles">${u.roles.map((r) => `<span>${escapeHtml(r.replace("Feedgate.", ""))}</span>`).join("")}</span>
  </button>
</form></li>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in · Feedgate sandbox identity provider</title>
<style>
 body{font-family:system-ui,sans-serif;background:#f1f5f9;color:#0f172a;margin:0}
 main{max-width:32rem;margin:3rem auto;background:#fff;border-radius:1rem;padding:2rem;box-shadow:0 1px 3px #0002}
 h1{font-size:1.25rem;margin:0 0 .25rem} p.lead{color:#475569;font-size:.9rem;margin:0 0 1.5rem}
 ul{list-style:none;padding:0;margin:0;display:grid;gap:.75rem}
 .pick{width:100%;text-align:left;border:1px solid #cbd5e1;border-radius:.75rem;background:#fff;padding:.75rem 1rem;cursor:pointer;display:grid;gap:.2rem}
 .pick:hover,.pick:focus-visible{border-color:#0284c7;outline:2px solid #0284c7}
 .name{font-weight:600} .meta{color:#475569;font-size:.85rem}
 .roles span{display:inline-block;background:#e0f2fe;color:#075985;border-radius:999px;padding:0 .5rem;font-size:.75rem;margin-right:.25rem}
 .error{color:#b91c1c;background:#fef2f2;border-radius:.5rem;padding:.5rem .75rem}
 label{display:block;font-size:.85rem;margin:1.5rem 0 .25rem} input[type=email]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #cbd5e1;border-radius:.5rem}
 .other button{margin-top:.5rem;padding:.5rem 1rem;border-radius:.5rem;border:0;background:#0284c7;color:#fff;font-weight:600}
</style></head>
<body><main>
<h1>Pick an account</h1>
<p class="lead">Sandbox identity provider for Feedgate. It signs in the seeded demo people; set ENTRA_TENANT_ID to use Microsoft Entra ID instead.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<ul aria-label="Seeded accounts">
${cards}
</ul>
<form method="post" action="${action}" class="other">
  <label for="email">Or type a seeded account's email</label>
  <input id="email" name="email" type="email" autocomplete="username" required>
  <button type="submit">Continue</button>
</form>
</main></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
