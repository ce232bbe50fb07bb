import { randomUUID } from "node:crypto";
import { Router, isRecord, parseBasicAuth, parseJsonBody, type SandboxRequest, type SandboxResponse } from "../core/http";
import { distributionFile, simpleIndexProject, simpleIndexRoot } from "../packages/pypi-index";
import type { Upstream } from "../packages/upstream";

/** Azure DevOps Artifacts: feeds REST (api-version 7.1) plus the pip simple index of each feed. */
type FeedPermission = { role: string; identityDescriptor: { identityType: string; identifier: string }; identityId: string; displayName: string; isInheritedRole: boolean };
type UpstreamSource = Record<string, unknown> & { id: string; name: string; protocol: string; location: string; upstreamSourceType: string; status: string };
type Feed = {
  id: string;
  name: string;
  org: string;
  project?: { id: string; name: string; visibility: string };
  description: string;
  upstreamEnabled: boolean;
  upstreamSources: UpstreamSource[];
  hideDeletedPackageVersions: boolean;
  badgesEnabled: boolean;
  permissions: FeedPermission[];
  viewId: string;
  createdAt: string;
};

export const ARTIFACTS_USER = "sandbox-user";
const PUBLIC_PYPI = /^https:\/\/(pypi\.org|pypi\.python\.org)(\/|$)/i;

/** Everything the Artifacts imitation holds: feeds by id, projects by lower-case name. */
export type ArtifactsState = { feeds: Map<string, Feed>; projects: Map<string, { id: string; name: string; visibility: string }> };

export function createArtifactsService(upstream: Upstream, pat: string): { router: Router; feeds: Map<string, Feed>; state: ArtifactsState } {
  const feeds = new Map<string, Feed>();
  const router = new Router();
  const projects = new Map<string, { id: string; name: string; visibility: string }>();
  const state: ArtifactsState = { feeds, projects };
  const projectOf = (name: string): { id: string; name: string; visibility: string } => {
    const key = name.toLowerCase();
    let p = projects.get(key);
    if (!p) {
      p = { id: randomUUID(), name, visibility: "private" };
      projects.set(key, p);
    }
    return p;
  };
  const scoped = (req: SandboxRequest): Feed[] => [...feeds.values()].filter((f) => f.org.toLowerCase() === (req.params.org ?? "").toLowerCase() && (f.project?.name.toLowerCase() ?? "") === (req.params.project ?? "").toLowerCase());
  const find = (req: SandboxRequest): Feed | undefined => {
    const key = (req.params.feed ?? "").toLowerCase();
    return scoped(req).find((f) => f.id === key || f.name.toLowerCase() === key);
  };

  for (const prefix of ["/{org}/{project}", "/{org}"]) {
    const api = `${prefix}/_apis/packaging/feeds`;
    router.add("POST", api, (req) =>
      withAuth(req, pat, () => {
        const body = parseJsonBody(req);
        if (!body.ok || !isRecord(body.value)) return adoError(400, "InvalidFeedException", "VS403417: The request body must be a feed object.");
        const v = body.value;
        const name = typeof v.name === "string" ? v.name : "";
        const invalid = validateFeedName(name);
        if (invalid) return adoError(400, "InvalidFeedNameException", invalid);
        if (typeof v.description === "string" && v.description.length > 255) return adoError(400, "InvalidFeedException", "The feed description must be 255 characters or fewer.");
        if (scoped(req).some((f) => f.name.toLowerCase() === name.toLowerCase())) {
          return adoError(409, "FeedNameAlreadyExistsException", `VS800003: A feed named '${name}' already exists in this scope.`);
        }
        const sources = parseUpstreams(v.upstreamSources);
        if (typeof sources === "string") return adoError(400, "InvalidUpstreamSourceException", sources);
        const project = req.params.project ? projectOf(req.params.project) : undefined;
        const feed: Feed = {
          id: randomUUID(),
          name,
          org: req.params.org ?? "",
          project,
          description: typeof v.description === "string" ? v.description : "",
          upstreamEnabled: v.upstreamEnabled !== false && sources.length > 0,
          upstreamSources: sources,
          hideDeletedPackageVersions: v.hideDeletedPackageVersions !== false,
          badgesEnabled: v.badgesEnabled === true,
          permissions: defaultPermissions(project?.name),
          viewId: randomUUID(),
          createdAt: new Date().toISOString(),
        };
        feeds.set(feed.id, feed);
        return { status: 201, json: feedView(req, feed) };
      }),
    );
    router.add("GET", api, (req) => withAuth(req, pat, () => {
      const value = scoped(req).map((f) => feedView(req, f));
      return { status: 200, json: { count: value.length, value } };
    }));
    router.add("GET", `${api}/{feed}`, (req) => withAuth(req, pat, () => {
      const feed = find(req);
      return feed ? { status: 200, json: feedView(req, feed) } : feedNotFound(req);
    }));
    router.add("PATCH", `${api}/{feed}`, (req) =>
      withAuth(req, pat, () => {
        const feed = find(req);
        if (!feed) return feedNotFound(req);
        const body = parseJsonBody(req);
        if (!body.ok || !isRecord(body.value)) return adoError(400, "InvalidFeedException", "VS403417: The request body must be a feed update object.");
        const v = body.value;
        if (typeof v.name === "string" && v.name !== feed.name) {
          const invalid = validateFeedName(v.name);
          if (invalid) return adoError(400, "InvalidFeedNameException", invalid);
          if (scoped(req).some((f) => f !== feed && f.name.toLowerCase() === String(v.name).toLowerCase())) return adoError(409, "FeedNameAlreadyExistsException", `VS800003: A feed named '${String(v.name)}' already exists in this scope.`);
          feed.name = v.name;
        }
        if (typeof v.description === "string") feed.description = v.description;
        if (typeof v.badgesEnabled === "boolean") feed.badgesEnabled = v.badgesEnabled;
        if (typeof v.hideDeletedPackageVersions === "boolean") feed.hideDeletedPackageVersions = v.hideDeletedPackageVersions;
        if (v.upstreamSources !== undefined) {
          const sources = parseUpstreams(v.upstreamSources, feed.upstreamSources);
          if (typeof sources === "string") return adoError(400, "InvalidUpstreamSourceException", sources);
          feed.upstreamSources = sources;
        }
        if (typeof v.upstreamEnabled === "boolean") feed.upstreamEnabled = v.upstreamEnabled;
        return { status: 200, json: feedView(req, feed) };
      }),
    );
    router.add("DELETE", `${api}/{feed}`, (req) => withAuth(req, pat, () => {
      const feed = find(req);
      if (!feed) return feedNotFound(req);
      feeds.delete(feed.id);
      return { status: 204 };
    }));
    router.add("GET", `${api}/{feed}/permissions`, (req) => withAuth(req, pat, () => {
      const feed = find(req);
      if (!feed) return feedNotFound(req);
      const excludeInherited = req.url.searchParams.get("excludeInheritedPermissions") === "true";
      const value = feed.permissions.filter((p) => !excludeInherited || !p.isInheritedRole);
      return { status: 200, json: { count: value.length, value } };
    }));
    router.add("PATCH", `${api}/{feed}/permissions`, (req) =>
      withAuth(req, pat, () => {
        const feed = find(req);
        if (!feed) return feedNotFound(req);
        const body = parseJsonBody(req);
        if (!body.ok || !Array.isArray(body.value)) return adoError(400, "InvalidFeedPermissionException", "The request body must be an array of feed permissions.");
        for (const item of body.value) {
          if (!isRecord(item) || !isRecord(item.identityDescriptor) || typeof item.role !== "string") return adoError(400, "InvalidFeedPermissionException", "Each permission needs a role and an identityDescriptor.");
          if (!["custom", "none", "reader", "contributor", "administrator", "collaborator"].includes(item.role)) return adoError(400, "InvalidFeedPermissionException", `Invalid role '${item.role}'.`);
          const identifier = String(item.identityDescriptor.identifier ?? "");
          feed.permissions = feed.permissions.filter((p) => p.identityDescriptor.identifier !== identifier);
          if (item.role !== "none") {
            feed.permissions.push({
              role: item.role,
              identityDescriptor: { identityType: String(item.identityDescriptor.identityType ?? "Microsoft.TeamFoundation.Identity"), identifier },
              identityId: typeof item.identityId === "string" ? item.identityId : randomUUID(),
              displayName: typeof item.displayName === "string" ? item.displayName : identifier,
              isInheritedRole: false,
            });
          }
        }
        return { status: 200, json: { count: feed.permissions.length, value: feed.permissions } };
      }),
    );

    // pip endpoints (pkgs.dev.azure.com in the real service)
    const pkg = `${prefix}/_packaging/{feed}/pypi`;
    const pipAccess = (req: SandboxRequest, fn: (feed: Feed) => SandboxResponse): SandboxResponse => {
      const feed = find(req);
      if (!feed) return { status: 404, headers: { "content-type": "text/plain" }, text: `Feed '${req.params.feed}' not found.` };
      const auth = authenticate(req, pat);
      if (!auth) return { status: 401, headers: { "www-authenticate": 'Basic realm="https://pkgs.dev.azure.com/"', "x-tfs-processid": randomUUID() }, text: "" };
      if (!canRead(feed)) return { status: 403, headers: { "content-type": "text/plain" }, text: `User '${ARTIFACTS_USER}' lacks permission to complete this action. You need to have 'ReadPackages'.` };
      return fn(feed);
    };
    const indexOptions = (feed: Feed) => ({
      upstream,
      visible: () => feed.upstreamEnabled && feed.upstreamSources.some((s) => s.protocol.toLowerCase() === "pypi" && PUBLIC_PYPI.test(s.location) && s.status === "ok"),
      fileHref: (project: { normalized: string }, version: string, file: { filename: string }) => `../../download/${project.normalized}/${version}/${file.filename}`,
    });
    router.add("GET", `${pkg}/simple`, (req) => pipAccess(req, (feed) => simpleIndexRoot(req, indexOptions(feed))));
    router.add("GET", `${pkg}/simple/{pypiProject}`, (req) => pipAccess(req, (feed) => simpleIndexProject(req, req.params.pypiProject ?? "", indexOptions(feed))));
    router.add("GET", `${pkg}/download/{name}/{version}/{file}`, (req) => pipAccess(req, (feed) => (indexOptions(feed).visible() ? distributionFile(req.params.file ?? "", upstream) : { status: 404, text: "Not Found" })));
  }
  return { router, feeds, state };
}

function parseUpstreams(value: unknown, previous: UpstreamSource[] = []): UpstreamSource[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return "upstreamSources must be an array.";
  const out: UpstreamSource[] = [];
  for (const item of value) {
    if (!isRecord(item)) return "Each upstream source must be an object.";
    const name = typeof item.name === "string" ? item.name : "";
    const protocol = typeof item.protocol === "string" ? item.protocol : "";
    const location = typeof item.location === "string" ? item.location : "";
    const type = typeof item.upstreamSourceType === "string" ? item.upstreamSourceType : "public";
    if (!name || !protocol || !location) return "VS800071: An upstream source needs a name, a protocol and a location.";
    if (!["npm", "nuget", "pypi", "maven", "cargo", "upack"].includes(protocol.toLowerCase())) return `VS800072: Unknown upstream protocol '${protocol}'.`;
    if (out.some((s) => s.name.toLowerCase() === name.toLowerCase())) return `VS800073: Upstream source names must be unique: '${name}'.`;
    const known = protocol.toLowerCase() === "pypi" ? PUBLIC_PYPI.test(location) : true;
    const prior = previous.find((p) => p.name === name);
    out.push({
      ...item,
      id: prior?.id ?? (typeof item.id === "string" ? item.id : randomUUID()),
      name,
      protocol,
      location,
      displayLocation: location,
      upstreamSourceType: type,
      status: type === "internal" || known ? "ok" : "disabled",
      statusDetails: type === "internal" || known ? [] : [{ reason: "The upstream source location could not be reached." }],
    });
  }
  return out;
}

function validateFeedName(name: string): string | undefined {
  if (!name) return "VS800001: The feed name cannot be empty.";
  if (name.length > 64) return "VS800002: The feed name must be 64 characters or fewer.";
  if (/\s/.test(name) || /^[._]/.test(name) || /[^A-Za-z0-9._-]/.test(name)) return `VS800004: The feed name '${name}' is invalid. Names may contain letters, digits, '-', '_' and '.', must not contain spaces and must not start with '.' or '_'.`;
  return undefined;
}

function defaultPermissions(project: string | undefined): FeedPermission[] {
  const scope = project ?? "Organization";
  return [
    { role: "administrator", identityDescriptor: { identityType: "Microsoft.IdentityModel.Claims.ClaimsIdentity", identifier: ARTIFACTS_USER }, identityId: randomUUID(), displayName: "Sandbox User", isInheritedRole: false },
    { role: "contributor", identityDescriptor: { identityType: "Microsoft.TeamFoundation.ServiceIdentity", identifier: `build:${scope}` }, identityId: randomUUID(), displayName: `${scope} Build Service`, isInheritedRole: false },
    { role: "reader", identityDescriptor: { identityType: "Microsoft.TeamFoundation.Identity", identifier: `valid-users:${scope}` }, identityId: randomUUID(), displayName: `[${scope}]\\Project Valid Users`, isInheritedRole: true },
  ];
}

function canRead(feed: Feed): boolean {
  return feed.permissions.some((p) => p.role !== "none" && (p.identityDescriptor.identifier === ARTIFACTS_USER || p.displayName.endsWith("Valid Users")));
}

function feedView(req: SandboxRequest, f: Feed): Record<string, unknown> {
  const scope = f.project ? `${f.org}/${f.project.name}` : f.org;
  const self = `${req.baseUrl}/${scope}/_apis/Packaging/Feeds/${f.id}`;
  const view: Record<string, unknown> = {
    id: f.id,
    name: f.name,
    description: f.description,
    url: self,
    _links: { self: { href: self }, packages: { href: `${self}/Packages` }, permissions: { href: `${self}/Permissions` } },
    project: f.project,
    upstreamEnabled: f.upstreamEnabled,
    upstreamSources: f.upstreamSources,
    capabilities: "defaultCapabilities",
    fullyQualifiedId: f.id,
    fullyQualifiedName: f.name,
    isReadOnly: false,
    defaultViewId: f.viewId,
    hideDeletedPackageVersions: f.hideDeletedPackageVersions,
    badgesEnabled: f.badgesEnabled,
    upstreamEnabledChangedDate: f.createdAt,
  };
  // ADO omits unset members (the 7.1 spec declares no nullable fields).
  return Object.fromEntries(Object.entries(view).filter(([, v]) => v !== undefined && v !== null));
}

function authenticate(req: SandboxRequest, pat: string): boolean {
  const header = req.headers.authorization ?? "";
  if (/^bearer \S+/i.test(header)) return true;
  const basic = parseBasicAuth(header);
  return basic !== undefined && basic.password === pat;
}

/** Every `_apis/` call: credentials first (401), then the REST API version (400), as Azure DevOps's pipeline does. */
function withAuth(req: SandboxRequest, pat: string, fn: () => SandboxResponse): SandboxResponse {
  if (!authenticate(req, pat)) {
    return { status: 401, headers: { "www-authenticate": 'Bearer authorization_uri=https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000, Basic realm="https://dev.azure.com/"', "x-tfs-processid": randomUUID() }, text: "" };
  }
  return apiVersionError(req) ?? fn();
}

/** The newest REST API version Azure DevOps Services serves (7.2 is preview-only there). */
const LATEST_API_VERSION = { major: 7, minor: 2, previewOnly: true };

/**
 * Azure DevOps requires an api-version on every REST call, as `?api-version=` or in the Accept header
 * (`application/json;api-version=7.1`): none → VssVersionNotSpecifiedException; not `major.minor[-preview[.n]]`
 * → VssInvalidApiVersionException; newer than the server's → VssVersionOutOfRangeException; a preview-only
 * version without `-preview` → VssInvalidPreviewVersionException. All 400 with the usual error body.
 * The messages follow captured ones for the first and third; the other two are close paraphrases.
 */
export function apiVersionError(req: SandboxRequest): SandboxResponse | undefined {
  const value = req.url.searchParams.get("api-version") ?? /(?:^|[;,\s])api-version=([^;,\s]+)/i.exec(req.headers.accept ?? "")?.[1];
  if (!value) {
    return adoError(400, "VssVersionNotSpecifiedException", `No api-version was supplied for the "${req.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`, VSS_WEBAPI);
  }
  const m = /^(\d+)\.(\d+)(-preview(?:\.\d+)?)?$/i.exec(value);
  if (!m) return adoError(400, "VssInvalidApiVersionException", `The value '${value}' is not a valid api-version. An api-version has the form major.minor, optionally followed by -preview or -preview.N (e.g. "7.1" or "7.2-preview.1").`, VSS_WEBAPI);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const latest = LATEST_API_VERSION;
  const version = `${major}.${minor}`;
  if (major > latest.major || (major === latest.major && minor > latest.minor)) {
    return adoError(400, "VssVersionOutOfRangeException", `The requested REST API version of ${version} is out of range for this server. The latest REST API version this server supports is ${latest.major}.${latest.minor}.`, VSS_WEBAPI);
  }
  if (latest.previewOnly && major === latest.major && minor === latest.minor && !m[3]) {
    return adoError(400, "VssInvalidPreviewVersionException", `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`, VSS_WEBAPI);
  }
  return undefined;
}

const VSS_WEBAPI = "Microsoft.VisualStudio.Services.WebApi";

function feedNotFound(req: SandboxRequest): SandboxResponse {
  return adoError(404, "FeedIdNotFoundException", `VS800055: Feed with id '${req.params.feed}' doesn't exist.`);
}

/** The Azure DevOps error shape; `assembly` is the exception's namespace and assembly (the Feed service's by default). */
export function adoError(status: number, typeKey: string, message: string, assembly = "Microsoft.VisualStudio.Services.Feed.WebApi"): SandboxResponse {
  return {
    status,
    json: { $id: "1", innerException: null, message, typeName: `${assembly}.${typeKey}, ${assembly}`, typeKey, errorCode: 0, eventId: 3000 },
  };
}
