/** A conda package file the sandbox upstream serves, with the facts its repodata.json lists. */
export type CondaPackage = {
  filename: string;
  name: string;
  version: string;
  build: string;
  depends: string[];
  /** "noarch" for the generated packages; the python stand-in is linux-64. */
  subdir: string;
  /** Set for noarch: python packages. */
  noarch?: "python";
  license?: string;
  data: Buffer;
  md5: string;
  sha256: string;
  size: number;
  timestamp: number;
};
