import { createHash } from "node:crypto";
import type { CondaPackage } from "./conda-package";

/**
 * A stand-in for conda's `python` package, so that a solve from the sandbox channel alone finds the
 * interpreter every noarch package depends on (`python >=3.8`). It is NOT Python: a linux-64
 * `.tar.bz2` holding only `info/` metadata (index.json, about.json, empty paths.json and files),
 * and installs no files. The archive is embedded (Node has no bzip2 encoder); it was made with
 * Python's tarfile (ustar, mode 0644, mtime 2024-01-02T03:04:05Z, uid/gid 0, no names) and
 * `bz2.compress(tar, 9)` from exactly `PYTHON_INDEX` below (json.dumps(indent=2, sort_keys=True)),
 * `{"summary": "Feedgate sandbox stand-in for the python package: metadata only, no interpreter",
 * "license": "PSF-2.0"}` and `{"paths": [], "paths_version": 1}`. sandbox/test/conda-channel.test.ts
 * unpacks it and checks index.json against the repodata record.
 */
export const PYTHON_INDEX = {
  arch: "x86_64",
  build: "0_feedgate_sandbox",
  build_number: 0,
  depends: [] as string[],
  license: "PSF-2.0",
  name: "python",
  platform: "linux",
  subdir: "linux-64",
  timestamp: 1704164645000,
  version: "3.11.0",
};

const PYTHON_TAR_BZ2_BASE64 = [
  "QlpoOTFBWSZTWXv3FJ8AAWB/ws6RQABQB//QAQBpCv//32oIAAEACAgwAZmiyYain6k9Q9T0yajNTTEBoAAND1DQJQhBk0mp6aho00ADQ00YjEaBJEml",
  "Paap5QyaZ6oaaDTTQMgDTTR/Gte/EEBk21MgTxBJFDIfAUC0CAXNkrsCxIQwLbiBmZhYikTCJZUYxMMDMDQBUMexqvN/sb8LVwc6DM6Roh+VH3W2pobe",
  "grQQwLNDKoPPScF/JQ0bI7+MLgmCNCd6AyAMvivOoAzXqvBZCClWHLHPZpJQiHgSYC4IA8wZw7pDhFkYdc7grCMnHDytHqKiATTtx3iWbUOrVqGwGkjX",
  "lr5qQ59PW23tYoFC3wj9G6tN8M9BSbjO+qxWYgeIebG9bAphWhte14ahR/giuhqKXNAnuWRGogZIcGFSl9fuuFIlC+BluoNQBfkdHIiEi5mgOBbIxTnA",
  "gQQKVSOQLkzDyl5lSbrMiyXE9rQthFXXPcjlxzSq64kcEpheExYvvEYapqNQyU0XlDcAxOITcSJPny8R/LYs6QH+LuSKcKEg9+4pPg==",
].join("");

export function pythonStandIn(): CondaPackage {
  const data = Buffer.from(PYTHON_TAR_BZ2_BASE64, "base64");
  const i = PYTHON_INDEX;
  return {
    filename: `${i.name}-${i.version}-${i.build}.tar.bz2`,
    name: i.name,
    version: i.version,
    build: i.build,
    depends: i.depends,
    subdir: i.subdir,
    license: i.license,
    data,
    md5: createHash("md5").update(data).digest("hex"),
    sha256: createHash("sha256").update(data).digest("hex"),
    size: data.length,
    timestamp: i.timestamp,
  };
}
