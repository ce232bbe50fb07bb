export type RecordedRequest = {
  seq: number;
  time: string;
  service: string;
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  durationMs: number;
  fault?: string;
};

export type RequestQuery = {
  service?: string;
  method?: string;
  path?: string;
  pathRegex?: string;
  sinceSeq?: number;
  limit?: number;
};

const SECRET_KEY = /pass(word)?|secret|token|^pat$|key$|^key|credential|sig$|signature/i;
// x-identity-header / secret: the managed identity's secret (App Service 2019-08-01 / MSI 2017-09-01).
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-ms-copy-source-authorization", "x-identity-header", "secret"]);
const MAX_BODY_CHARS = 4096;

/** Bounded in-memory log of every request the sandbox served, with secrets masked. */
export class RequestRecorder {
  private readonly entries: RecordedRequest[] = [];
  private seq = 0;

  constructor(private readonly capacity = 2000) {}

  record(entry: Omit<RecordedRequest, "seq">): RecordedRequest {
    this.seq += 1;
    const full: RecordedRequest = { ...entry, seq: this.seq };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  get totalRecorded(): number {
    return this.seq;
  }

  query(q: RequestQuery): RecordedRequest[] {
    const regex = q.pathRegex ? new RegExp(q.pathRegex, "i") : undefined;
    const pathNeedle = q.path?.toLowerCase();
    const out = this.entries.filter(
      (e) =>
        (!q.service || e.service === q.service) &&
        (!q.method || e.method === q.method.toUpperCase()) &&
        (!pathNeedle || e.path.toLowerCase().includes(pathNeedle)) &&
        (!regex || regex.test(e.path)) &&
        (q.sinceSeq === undefined || e.seq > q.sinceSeq),
    );
    return q.limit ? out.slice(-q.limit) : out;
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export function maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (SECRET_HEADERS.has(name.toLowerCase())) {
      const scheme = text.split(" ")[0] ?? "";
      out[name] = scheme && scheme !== text ? `${scheme} ***` : "***";
    } else {
      out[name] = text;
    }
  }
  return out;
}

export function maskQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = SECRET_KEY.test(k) ? "***" : v;
  return out;
}

/** Masks secrets in a request body: JSON keys that look secret, and user:password in URLs. */
export function maskBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.subarray(0, MAX_BODY_CHARS * 4).toString("utf8");
  if ((contentType ?? "").includes("json") || /^\s*[[{]/.test(text)) {
    try {
      return maskValue(JSON.parse(raw.toString("utf8")));
    } catch {
      // fall through to text
    }
  }
  if (!(contentType ?? "").startsWith("text") && !(contentType ?? "").includes("xml") && /[\x00-\x08]/.test(text)) {
    return `<${raw.length} bytes binary>`;
  }
  const masked = maskText(text);
  return masked.length > MAX_BODY_CHARS ? `${masked.slice(0, MAX_BODY_CHARS)}…(${raw.length} bytes)` : masked;
}

export function maskText(text: string): string {
  // Form bodies too (token requests: client_secret=…, client_assertion=…), where the first field has no `&`.
  return text.replace(/(\/\/[^/\s:@]+:)[^@\s/]+@/g, "$1***@").replace(/((?:^|[?&])(sig|password|token|client_secret|client_assertion|assertion)=)[^&\s"]+/gi, "$1***");
}

function maskValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskValue);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && (typeof v === "string" || typeof v === "number") && v !== "" ? "***" : maskValue(v);
    }
    return out;
  }
  if (typeof value === "string") {
    const masked = maskText(value);
    return masked.length > MAX_BODY_CHARS ? `${masked.slice(0, MAX_BODY_CHARS)}…` : masked;
  }
  return value;
}
