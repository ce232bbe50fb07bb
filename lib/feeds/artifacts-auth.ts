/**
 * How a person authenticates pip to an Azure Artifacts feed from a compute instance. Artifacts
 * never serves anonymous reads, yet the pip.conf Feedgate hands out stays free of credentials:
 * each person adds their own PAT to ~/.netrc, which pip reads for the index's host, or lets
 * artifacts-keyring fetch a token. Pure: no secret is ever known here.
 */

export interface ArtifactsAuthHint {
  /** The host a .netrc `machine` line names: the index's host name, without a port. */
  machine: string;
  /** The line to add to ~/.netrc, with a placeholder where the person's own PAT goes. */
  netrcLine: string;
  /** Creates ~/.netrc readable by its owner only, before the line goes in. */
  prepareCommand: string;
  /** The PAT scope that is enough to install. */
  patScope: string;
}

export const NETRC_LOGIN = "feedgate";
export const PAT_PLACEHOLDER = "<your PAT>";

export function artifactsAuthHint(pipIndexUrl: string): ArtifactsAuthHint {
  const machine = new URL(pipIndexUrl).hostname;
  return {
    machine,
    netrcLine: `machine ${machine} login ${NETRC_LOGIN} password ${PAT_PLACEHOLDER}`,
    prepareCommand: "touch ~/.netrc && chmod 600 ~/.netrc",
    patScope: "Packaging (Read)",
  };
}
