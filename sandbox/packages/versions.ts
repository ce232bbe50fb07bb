/** Just enough of PEP 440 / conda match-spec to resolve the sandbox's tiny upstream. */

export type VersionConstraint = { op: string; version: string };
export type Requirement = { name: string; constraints: VersionConstraint[]; raw: string };

export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map(toNumberOrText);
  const pb = b.split(/[.+-]/).map(toNumberOrText);
  const len = Math.max(pa.length, pb.length);
  for (let i = 0; i < len; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (typeof x === "number" && typeof y === "number") {
      if (x !== y) return x < y ? -1 : 1;
    } else if (String(x) !== String(y)) {
      return String(x) < String(y) ? -1 : 1;
    }
  }
  return 0;
}

export function satisfies(version: string, constraints: VersionConstraint[]): boolean {
  return constraints.every(({ op, version: wanted }) => {
    if (wanted.endsWith(".*")) {
      const prefix = wanted.slice(0, -2);
      const matches = version === prefix || version.startsWith(`${prefix}.`);
      return op === "!=" ? !matches : matches;
    }
    const c = compareVersions(version, wanted);
    switch (op) {
      case "==":
      case "===":
        return c === 0;
      case "!=":
        return c !== 0;
      case ">=":
        return c >= 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      case "<":
        return c < 0;
      case "~=": {
        const parts = wanted.split(".");
        const prefix = parts.slice(0, Math.max(1, parts.length - 1)).join(".");
        return c >= 0 && (version === prefix || version.startsWith(`${prefix}.`));
      }
      case "=":
        // conda: "1.0" means "1.0*"
        return version === wanted || version.startsWith(`${wanted}.`);
      default:
        return false;
    }
  });
}

/** Parses a PEP 508 requirement line such as `tinyhttp[extra]>=0.9,<1 ; python_version>"3"`. */
export function parsePipRequirement(line: string): Requirement | undefined {
  const raw = line.trim();
  const withoutMarker = raw.split(";")[0]?.trim() ?? "";
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*\(?([^)]*)\)?$/.exec(withoutMarker);
  if (!m || !m[1]) return undefined;
  const constraints = parseConstraintList(m[3] ?? "");
  if (!constraints) return undefined;
  return { name: m[1], constraints, raw };
}

/** Parses a conda match spec: `name`, `name 1.0.*`, `name=1.0`, `name>=1.0,<2`, `channel::name`. */
export function parseCondaSpec(spec: string): Requirement | undefined {
  const raw = spec.trim();
  const noChannel = raw.includes("::") ? raw.slice(raw.indexOf("::") + 2) : raw;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$/.exec(noChannel);
  if (!m || !m[1]) return undefined;
  let rest = (m[2] ?? "").trim().split(/\s+/)[0] ?? "";
  if (rest === "") return { name: m[1], constraints: [], raw };
  if (/^[0-9]/.test(rest)) rest = rest.includes("*") ? `==${rest}` : `=${rest}`;
  const constraints = parseConstraintList(rest.replace(/^=(?!=)/, "="));
  if (!constraints) return undefined;
  return { name: m[1], constraints, raw };
}

function parseConstraintList(text: string): VersionConstraint[] | undefined {
  const out: VersionConstraint[] = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(===|==|!=|>=|<=|~=|>|<|=)\s*([A-Za-z0-9.*+!-]+)$/.exec(part);
    if (!m || !m[1] || !m[2]) return undefined;
    out.push({ op: m[1], version: m[2].replace(/\*$/, m[1] === "=" ? "" : "*").replace(/\.$/, "") });
  }
  return out;
}

function toNumberOrText(part: string): number | string {
  return /^\d+$/.test(part) ? Number(part) : part;
}
