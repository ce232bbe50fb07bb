import JSON5 from "json5";
import type { SandboxRequest } from "../core/http";

/**
 * ARM's front door reads request bodies with a lenient JSON reader (Newtonsoft.Json): comments,
 * trailing commas, single-quoted strings and unquoted property names are accepted. The Azure CLI
 * relies on it: `az deployment group create|validate|what-if -f file.jsonc` splices the template
 * file into the body unchanged behind an unquoted key (`…, template:{…}}}`, its JsonCTemplatePolicy),
 * comments included. JSON5 accepts that superset; strict JSON still parses the same way.
 */
export function parseArmJsonBody(req: SandboxRequest): { ok: true; value: unknown } | { ok: false; error: string } {
  if (req.body.length === 0) return { ok: true, value: undefined };
  const text = req.body.toString("utf8").replace(/^\uFEFF/, "");
  if (!text.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON5.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
