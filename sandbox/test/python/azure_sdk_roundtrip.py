"""Debian's Azure SDK for Python (python3-azure) against the sandbox: ARM and Azure ML.

Run by sandbox/test/python-sdk.test.ts with Debian's /usr/bin/python3. Reads the sandbox's
endpoints from the environment, drives azure.mgmt.resource and azure.mgmt.machinelearningservices
as a user would, and prints one JSON object with what the SDK returned, for the test to check.

Environment:
  SANDBOX_ARM             the sandbox's ARM URL (base_url for both clients)
  SANDBOX_SCOPE           the scope the clients ask their credential for
  SANDBOX_SUBSCRIPTION    subscription id
  SANDBOX_TEMPLATE        path of the ARM template to deploy (parameter `prefix`)
  SANDBOX_PROBE           instead: only GET this resource group and print the outcome
  SANDBOX_TOKEN           a bearer token, handed out as it is by a minimal credential, or
  SANDBOX_TENANT, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_AUTHORITY
                          a service principal for azure.identity.ClientSecretCredential
  REQUESTS_CA_BUNDLE      the sandbox CA (requests, hence azure-core and MSAL, trust it alone)
"""
import json
import os
import sys
import time

from azure.core.credentials import AccessToken
from azure.mgmt.machinelearningservices import MachineLearningServicesMgmtClient
from azure.mgmt.machinelearningservices import models as ml
from azure.mgmt.resource import ResourceManagementClient


class PassedTokenCredential:
    """A TokenCredential (get_token) that returns the token it was given, and notes the scopes asked for."""

    def __init__(self, token):
        self.token = token
        self.scopes = []

    def get_token(self, *scopes, **kwargs):
        self.scopes.extend(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)


def credential():
    if os.environ.get("SANDBOX_CLIENT_SECRET"):
        from azure.identity import ClientSecretCredential

        # authority: the sandbox's login host (MSAL reads {authority}/{tenant}/v2.0/.well-known/openid-configuration
        # there). instance_discovery=False (azure-identity 1.13.0b2's spelling; later ones call it
        # disable_instance_discovery=True): no call to login.microsoftonline.com, which does not know this host.
        # TLS: requests trusts REQUESTS_CA_BUNDLE, the sandbox CA.
        return "ClientSecretCredential", ClientSecretCredential(
            os.environ["SANDBOX_TENANT"],
            os.environ["SANDBOX_CLIENT_ID"],
            os.environ["SANDBOX_CLIENT_SECRET"],
            authority=os.environ["SANDBOX_AUTHORITY"],
            instance_discovery=False,
        )
    return "PassedTokenCredential", PassedTokenCredential(os.environ["SANDBOX_TOKEN"])


def probe():
    """SANDBOX_PROBE=<group>: one GET of a resource group with the credential given, and what came back."""
    from azure.core.exceptions import HttpResponseError

    kind, cred = credential()
    rm = ResourceManagementClient(cred, os.environ["SANDBOX_SUBSCRIPTION"], base_url=os.environ["SANDBOX_ARM"], credential_scopes=[os.environ["SANDBOX_SCOPE"]])
    try:
        group = rm.resource_groups.get(os.environ["SANDBOX_PROBE"])
        out = {"credential": kind, "status": 200, "name": group.name, "scopesAsked": sorted(set(cred.scopes))}
    except HttpResponseError as e:
        out = {"credential": kind, "status": e.status_code, "code": e.error.code if e.error else None, "error": type(e).__name__, "message": e.error.message if e.error else str(e)}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


def main():
    if os.environ.get("SANDBOX_PROBE"):
        return probe()
    arm = os.environ["SANDBOX_ARM"]
    scope = os.environ["SANDBOX_SCOPE"]
    subscription = os.environ["SANDBOX_SUBSCRIPTION"]
    ca = os.environ["REQUESTS_CA_BUNDLE"]
    kind, cred = credential()
    client_options = dict(base_url=arm, credential_scopes=[scope], connection_verify=ca, polling_interval=0.05)
    out = {"credential": kind}

    rm = ResourceManagementClient(cred, subscription, **client_options)
    group = rm.resource_groups.create_or_update("rg-python-sdk", {"location": "westeurope", "tags": {"client": "python3-azure"}})
    out["resourceGroup"] = {"id": group.id, "name": group.name, "location": group.location, "tags": group.tags, "provisioningState": group.properties.provisioning_state}
    out["resourceGroupExists"] = rm.resource_groups.check_existence("rg-python-sdk")

    with open(os.environ["SANDBOX_TEMPLATE"], encoding="utf-8") as f:
        template = json.load(f)
    poller = rm.deployments.begin_create_or_update(
        "rg-python-sdk",
        "python-sdk-workspace",
        {"properties": {"mode": "Incremental", "template": template, "parameters": {"prefix": {"value": "pysdk"}}}},
    )
    deployment = poller.result()
    out["deployment"] = {
        "name": deployment.name,
        "provisioningState": deployment.properties.provisioning_state,
        "outputs": {k: v.get("value") for k, v in (deployment.properties.outputs or {}).items()},
        "pollerStatus": poller.status(),
    }
    out["deploymentOperations"] = sorted(
        [
            {
                "provisioningState": op.properties.provisioning_state,
                "resourceType": op.properties.target_resource.resource_type if op.properties.target_resource else None,
                "resourceName": op.properties.target_resource.resource_name if op.properties.target_resource else None,
            }
            for op in rm.deployment_operations.list("rg-python-sdk", "python-sdk-workspace")
        ],
        key=lambda o: (o["resourceType"] or "", o["resourceName"] or ""),
    )

    workspace_name = out["deployment"]["outputs"]["workspaceName"]
    aml = MachineLearningServicesMgmtClient(cred, subscription, **client_options)
    workspace = aml.workspaces.get("rg-python-sdk", workspace_name)
    out["workspace"] = {"name": workspace.name, "type": workspace.type, "publicNetworkAccess": workspace.public_network_access, "discoveryUrl": workspace.discovery_url}
    out["workspacesInGroup"] = sorted(w.name for w in aml.workspaces.list_by_resource_group("rg-python-sdk"))
    out["seededWorkspaces"] = sorted(
        (w.name, w.public_network_access) for w in aml.workspaces.list_by_resource_group("rg-ml-existing")
    )

    container = aml.environment_containers.create_or_update(
        "rg-python-sdk", workspace_name, "python-sdk-env",
        ml.EnvironmentContainer(properties=ml.EnvironmentContainerProperties(description="made by python3-azure", tags={"client": "python"})),
    )
    out["container"] = {"id": container.id, "name": container.name, "description": container.properties.description, "tags": container.properties.tags}
    conda = "name: env\nchannels: [nodefaults]\ndependencies:\n  - python=3.11\n  - pip:\n    - tinycore==1.1.0\n"
    versions = []
    for version in ("1", "2"):
        created = aml.environment_versions.create_or_update(
            "rg-python-sdk", workspace_name, "python-sdk-env", version,
            ml.EnvironmentVersion(properties=ml.EnvironmentVersionProperties(
                description=f"version {version}",
                image="mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest",
                conda_file=conda,
                os_type=ml.OperatingSystemType.LINUX,
            )),
        )
        versions.append({"name": created.name, "image": created.properties.image, "condaFile": created.properties.conda_file, "osType": created.properties.os_type})
    out["createdVersions"] = versions
    got = aml.environment_versions.get("rg-python-sdk", workspace_name, "python-sdk-env", "2")
    out["gotVersion"] = {"id": got.id, "name": got.name, "description": got.properties.description, "image": got.properties.image}
    got_container = aml.environment_containers.get("rg-python-sdk", workspace_name, "python-sdk-env")
    out["gotContainer"] = {"name": got_container.name, "latestVersion": got_container.properties.latest_version, "description": got_container.properties.description}
    # top=1: the pager follows the sandbox's absolute nextLink through every page.
    out["listedVersions"] = sorted(v.name for v in aml.environment_versions.list("rg-python-sdk", workspace_name, "python-sdk-env", top=1))
    out["listedContainers"] = sorted(c.name for c in aml.environment_containers.list("rg-python-sdk", workspace_name))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
