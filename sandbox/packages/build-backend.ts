/**
 * Stand-ins for `setuptools` and `wheel` in the generated upstream, so that pip can build the
 * fixtures' sdists with build isolation (it installs `[build-system] requires` from the index into
 * a throw-away environment, then calls the PEP 517 hooks of `setuptools.build_meta`).
 *
 * They are NOT setuptools or wheel: the "setuptools" wheel holds a minimal PEP 517 backend that
 * builds pure-Python `py3-none-any` wheels from a pyproject.toml `[project]` table (name, version,
 * description, requires-python, dependencies) plus the top-level packages and modules it finds,
 * and asks for `wheel` as setuptools < 70.1 did; the "wheel" wheel holds the archive writer the
 * backend uses (RECORD with sha256 hashes). No setup.py, no setup.cfg, no C extensions, no
 * package data rules. Python 3.8+ (tomllib when present, else a reader for the flat TOML the
 * fixtures and simple projects use). Real wheels of both are ~1 MB of vendored binaries; these
 * are generated text, reviewed here.
 */
export const SETUPTOOLS_STANDIN_VERSION = "68.0.0";
export const WHEEL_STANDIN_VERSION = "0.41.0";

const STANDIN_NOTE = "Feedgate sandbox stand-in, not the real project";

export type BuildToolEntry = { name: string; version: string; summary: string; files: [string, string][] };

export const BUILD_TOOLS: BuildToolEntry[] = [
  {
    name: "setuptools",
    version: SETUPTOOLS_STANDIN_VERSION,
    summary: `Minimal PEP 517 build backend (${STANDIN_NOTE})`,
    files: [
      ["setuptools/__init__.py", setuptoolsInit()],
      ["setuptools/build_meta.py", buildMeta()],
    ],
  },
  {
    name: "wheel",
    version: WHEEL_STANDIN_VERSION,
    summary: `Wheel archive writer (${STANDIN_NOTE})`,
    files: [
      ["wheel/__init__.py", `"""${STANDIN_NOTE}: writes wheel archives for the setuptools stand-in."""\n\n__version__ = "${WHEEL_STANDIN_VERSION}"\n`],
      ["wheel/wheelfile.py", wheelfile()],
    ],
  },
];

function setuptoolsInit(): string {
  return [
    `"""${STANDIN_NOTE}.`,
    "",
    "Only `setuptools.build_meta` (a PEP 517 backend for pyproject.toml [project] packages) exists;",
    "setup() is not supported.",
    '"""',
    "",
    `__version__ = "${SETUPTOOLS_STANDIN_VERSION}"`,
    "",
    "",
    "def setup(**kwargs):",
    '    raise RuntimeError("the Feedgate sandbox setuptools stand-in builds only pyproject.toml [project] packages; setup() is not supported")',
    "",
  ].join("\n");
}

function wheelfile(): string {
  return `"""Writes a wheel: the given files, then *.dist-info/RECORD with urlsafe-base64 sha256 hashes."""
import base64
import hashlib
import zipfile

from . import __version__

# 1980-01-01, the earliest date a zip entry can hold: reproducible archives.
_DATE = (1980, 1, 1, 0, 0, 0)


def record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def wheel_metadata(tag="py3-none-any"):
    return "Wheel-Version: 1.0\\nGenerator: wheel (%s, Feedgate sandbox stand-in)\\nRoot-Is-Purelib: true\\nTag: %s\\n" % (__version__, tag)


def write_wheel(path, files, dist_info):
    """files: [(archive name, bytes)]; dist_info: the *.dist-info folder name."""
    record_name = dist_info + "/RECORD"
    lines = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            lines.append("%s,%s,%d" % (name, record_hash(data), len(data)))
        lines.append(record_name + ",,")
        info = zipfile.ZipInfo(record_name, date_time=_DATE)
        info.external_attr = 0o644 << 16
        archive.writestr(info, "\\n".join(lines) + "\\n")
    return path
`;
}

function buildMeta(): string {
  return `"""A minimal PEP 517 backend (${STANDIN_NOTE}).

Builds pure-Python py3-none-any wheels and sdists from pyproject.toml's [project] table and the
top-level packages (folders with __init__.py) and modules next to it.
"""
import io
import json
import os
import re
import tarfile

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

_SKIP = {"build", "dist", ".git", ".tox", ".venv", "venv", "__pycache__"}


def _read_pyproject():
    with open("pyproject.toml", "rb") as f:
        text = f.read().decode("utf-8")
    data = tomllib.loads(text) if tomllib is not None else _flat_toml(text)
    project = data.get("project")
    if not isinstance(project, dict) or not project.get("name") or not project.get("version"):
        raise RuntimeError("pyproject.toml needs a [project] table with a static name and version (Feedgate sandbox setuptools stand-in)")
    return project


def _flat_toml(text):
    """Tables and key = "string" | ["string", ...] | true/false: what simple pyproject.toml files hold."""
    data, table = {}, None
    pending = None
    for raw in text.splitlines():
        line = raw.strip()
        if pending is not None:
            pending[1].append(line)
            if line.endswith("]"):
                table[pending[0]] = json.loads(" ".join(pending[1]).replace(",]", "]").replace(", ]", "]"))
                pending = None
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            table = data.setdefault(line.strip("[]").strip(), {})
            continue
        key, _, value = line.partition("=")
        key, value = key.strip().strip('"'), value.strip()
        if table is None:
            table = data
        if value.startswith("[") and not value.endswith("]"):
            pending = (key, [value])
        elif value in ("true", "false"):
            table[key] = value == "true"
        else:
            table[key] = json.loads(value.replace(",]", "]").replace(", ]", "]"))
    return data


def _dist_name(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def _metadata(project):
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"], "Version: " + str(project["version"])]
    if project.get("description"):
        lines.append("Summary: " + project["description"])
    if project.get("requires-python"):
        lines.append("Requires-Python: " + project["requires-python"])
    for requirement in project.get("dependencies", []):
        lines.append("Requires-Dist: " + requirement)
    return "\\n".join(lines) + "\\n\\n"


def _sources():
    """(archive name, bytes) of every top-level package and module, sorted."""
    found = []
    for entry in sorted(os.listdir(".")):
        if entry in _SKIP or entry.startswith(".") or entry.endswith(".egg-info"):
            continue
        if os.path.isdir(entry) and os.path.isfile(os.path.join(entry, "__init__.py")):
            for root, dirs, files in os.walk(entry):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP)
                for name in sorted(files):
                    if name.endswith((".pyc", ".pyo")):
                        continue
                    path = os.path.join(root, name)
                    with open(path, "rb") as f:
                        found.append((path.replace(os.sep, "/"), f.read()))
        elif entry.endswith(".py") and entry != "setup.py" and os.path.isfile(entry):
            with open(entry, "rb") as f:
                found.append((entry, f.read()))
    if not found:
        raise RuntimeError("no package or module found next to pyproject.toml (Feedgate sandbox setuptools stand-in)")
    return found


def _dist_info(project):
    return "%s-%s.dist-info" % (_dist_name(project["name"]), project["version"])


def get_requires_for_build_wheel(config_settings=None):
    return ["wheel"]


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return ["wheel"]


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _read_pyproject()
    dist_info = _dist_info(project)
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    with open(os.path.join(metadata_directory, dist_info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_metadata(project))
    return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    from wheel.wheelfile import wheel_metadata, write_wheel

    project = _read_pyproject()
    dist_info = _dist_info(project)
    sources = _sources()
    top_level = sorted({name.split("/")[0].rsplit(".py", 1)[0] for name, _ in sources})
    files = sources + [
        (dist_info + "/METADATA", _metadata(project).encode("utf-8")),
        (dist_info + "/WHEEL", wheel_metadata().encode("utf-8")),
        (dist_info + "/top_level.txt", ("\\n".join(top_level) + "\\n").encode("utf-8")),
    ]
    filename = "%s-%s-py3-none-any.whl" % (_dist_name(project["name"]), project["version"])
    write_wheel(os.path.join(wheel_directory, filename), files, dist_info)
    return filename


def build_sdist(sdist_directory, config_settings=None):
    project = _read_pyproject()
    root = "%s-%s" % (_dist_name(project["name"]), project["version"])
    filename = root + ".tar.gz"
    entries = [("PKG-INFO", _metadata(project).encode("utf-8"))]
    with open("pyproject.toml", "rb") as f:
        entries.append(("pyproject.toml", f.read()))
    entries += _sources()
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name, data in entries:
            info = tarfile.TarInfo(root + "/" + name)
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return filename


class _Legacy:
    """setuptools.build_meta:__legacy__, which pip uses for projects without pyproject.toml."""

    def __getattr__(self, hook):
        raise RuntimeError("the Feedgate sandbox setuptools stand-in cannot build setup.py projects (no pyproject.toml [project] table)")


__legacy__ = _Legacy()
`;
}
