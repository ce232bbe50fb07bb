import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { SandboxResponse } from "../core/http";

/** The Nexus imitation's state and wire shapes, shared by nexus-service.ts and nexus-governance.ts. */
export type NexusRoutingRule = { name: string; description: string; mode: "ALLOW" | "BLOCK"; matchers: string[] };

export type NexusRepository = {
  name: string;
  format: "pypi" | "conda";
  /** A group keeps placeholder proxy settings; only `group.memberNames` matters for it. */
  type: "proxy" | "group";
  group?: { memberNames: string[] };
  online: boolean;
  storage: { blobStoreName: string; strictContentTypeValidation: boolean; writePolicy?: string };
  proxy: { remoteUrl: string; contentMaxAge: number; metadataMaxAge: number };
  negativeCache: { enabled: boolean; timeToLive: number };
  httpClient: Record<string, unknown> & { blocked: boolean; autoBlock: boolean };
  routingRuleName: string | null;
  cleanup: { policyNames: string[] } | null;
  replication: { preemptivePullEnabled: boolean; assetPathRegex?: string } | null;
  pypi?: { indexPath?: string; removeQuarantined?: boolean };
};

export type NexusUser = { userId: string; firstName: string; lastName: string; emailAddress: string; password: string; status: string; roles: string[] };

export type NexusState = {
  repositories: Map<string, NexusRepository>;
  users: Map<string, NexusUser>;
  anonymousEnabled: boolean;
  /** Routing rules by name (plain data: the matchers are regex sources, compiled per request). */
  routingRules: Map<string, NexusRoutingRule>;
};


/** Nexus ≥3.53 error shape for non-validation failures: {"id":"*","message":"\"text\""}. */
export function nexusMessage(status: number, message: string): SandboxResponse {
  return { status, json: { id: "*", message: JSON.stringify(message) } };
}

export function validationErrors(errors: [string, string][]): SandboxResponse {
  return { status: 400, json: errors.map(([field, message]) => ({ id: `PARAMETER ${field}`, message })) };
}

/**
 * Nexus's HTML error page (nexus-base `ErrorPageServlet` + `errorPageHtml.vm`), as every failure under
 * /repository/ and any unknown path outside the REST API gets it. A status message (`HttpResponses.notFound("Repository
 * not found")`, the routing rule's refusal, …) is both the page's description and, through Jetty's
 * `setStatus(code, message)`, the reason phrase of the status line, which clients such as pip and Maven print.
 * Without one the description is the standard reason phrase (the servlet's "Unknown error" is left out).
 */
export function nexusErrorPage(status: number, message?: string, extra?: Pick<SandboxResponse, "headers">): SandboxResponse {
  const name = STATUS_CODES[status] ?? "Error";
  const description = escapeHtml(message ?? name);
  const text = [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    `  <title>${status} - Sonatype Nexus Repository</title>`,
    '  <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>',
    "</head>",
    "<body>",
    '<div class="nexus-header"><div class="product-id"><span class="product-name">Sonatype Nexus Repository</span></div></div>',
    '<div class="nexus-body">',
    `  <div class="content-header"><span class="title">Error ${status}</span> <span class="description">${escapeHtml(name)}</span></div>`,
    `  <div class="content-body"><div class="content-section">${description}</div></div>`,
    "</div>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
  return {
    status,
    statusMessage: message,
    // ErrorPageServlet: no-cache headers, X-Frame-Options, text/html.
    headers: { "content-type": "text/html", "cache-control": "no-cache, no-store, max-age=0, must-revalidate", pragma: "no-cache", expires: "0", "x-frame-options": "DENY", ...extra?.headers },
    text,
  };
}

/**
 * What the REST API (RESTEasy under Siesta) answers for a path it has no resource for (404) or a method the
 * resource lacks (405): Nexus's `WebappExceptionMapper` rebuilds such exceptions as a bare status with no body
 * (CVE-2020-25633), and `ExceptionMapperSupport` adds an `X-Siesta-FaultId` header. Nexus's own messages
 * (`WebApplicationMessageException`, e.g. "Repository not found") carry an entity and keep it: see nexusMessage.
 */
export function siestaFault(status: number): SandboxResponse {
  return { status, headers: { "x-siesta-faultid": randomUUID() } };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
