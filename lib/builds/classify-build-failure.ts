/**
 * Reads an image build log the way a platform engineer would and names the failure, with
 * the next step to take. Order matters: pip prints "No matching distribution" after a 401,
 * so authentication is checked before "not found".
 */
import type { FailureClass } from "@/generated/prisma/enums";

export interface BuildFailure {
  failureClass: FailureClass;
  /** The log line that decided it, trimmed. */
  evidence?: string;
  guidance: string;
}

const RULES: { failureClass: FailureClass; pattern: RegExp; guidance: string }[] = [
  {
    failureClass: "BASE_IMAGE_PULL",
    pattern: /pull access denied|manifest (for .* )?(unknown|not found)|failed to resolve reference|Error response from daemon: .*(not found|denied)/i,
    guidance: "The base image could not be pulled. Pick an image from the allow-list, and check that the workspace's registry can reach mcr.microsoft.com or mirrors it.",
  },
  {
    failureClass: "DOCKERFILE_ERROR",
    pattern: /Dockerfile parse error|unknown instruction|COPY failed|ADD failed|dockerfile.*(syntax|parse)|failed to solve with frontend/i,
    guidance: "The Dockerfile is not valid. Regenerate it from the request, or compare it with the last successful build.",
  },
  {
    failureClass: "FEED_AUTH",
    pattern: /\b401\b.*(error|unauthori[sz]ed|credentials)|Credentials not correct|HTTP 401|CondaHTTPError: HTTP 401|unauthori[sz]ed: authentication required/i,
    guidance: "The private feed refused the build's credentials (401). Check the feed host's credential reference, or enable anonymous read inside the virtual network.",
  },
  {
    failureClass: "FEED_POLICY",
    pattern: /\b403\b.*(error|forbidden)|HTTP 403|CondaHTTPError: HTTP 403|blocked by (policy|firewall)/i,
    guidance: "The feed refused a package by policy (403). The upstream's allow-list may exclude it: ask an approver to extend it, or pick another version.",
  },
  {
    failureClass: "PACKAGE_NOT_FOUND",
    pattern: /No matching distribution found for|Could not find a version that satisfies|PackagesNotFoundError|ResolvePackageNotFound|nothing provides/i,
    guidance: "A requested package is not on the private feed. Check the name and version, or propose the upstream that has it.",
  },
  {
    failureClass: "REGISTRY_OR_COMPUTE",
    pattern: /image ?build ?compute|azurecr\.io.*(denied|unauthori[sz]ed|not found)|ACR.*(not accessible|denied)|compute (target )?.*(not found|does not exist)|failed to push/i,
    guidance: "The workspace's container registry or image-build compute is misconfigured. A private registry needs imageBuildCompute set to a cluster in the virtual network.",
  },
  {
    failureClass: "NETWORK_TIMEOUT",
    pattern: /Connection timed out|Temporary failure (in name resolution|resolving)|ReadTimeoutError|connection error|Could not fetch URL|CondaHTTPError: HTTP 000|timed out|Max retries exceeded/i,
    guidance: "The build could not reach the feed. Check that the feed host is in the workspace's virtual network and that the image-build compute can resolve it.",
  },
];

export function classifyBuildFailure(log: string): BuildFailure {
  const lines = log.split(/\r?\n/);
  for (const rule of RULES) {
    const evidence = lines.find((l) => rule.pattern.test(l));
    if (evidence) return { failureClass: rule.failureClass, evidence: evidence.trim().slice(0, 300), guidance: rule.guidance };
  }
  return {
    failureClass: "UNKNOWN",
    guidance: "Feedgate could not tell why the build failed. Read the end of the log; if it names a package or a URL, start there.",
  };
}

export function guidanceFor(failureClass: FailureClass): string {
  return RULES.find((r) => r.failureClass === failureClass)?.guidance ?? classifyBuildFailure("").guidance;
}
