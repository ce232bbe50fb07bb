/**
 * The sandbox cloud as tests under lib/ see it. lib/ never imports sandbox/ (an ESLint rule
 * enforces it), so its integration tests reach the sandbox's test hooks (faults, the request
 * record, a private sandbox per suite) through this one file in testing/.
 */
export { addFault, basicAuth, clearFaults, getInstalledPackages, listRecordedRequests, sandboxAuthHeader, sandboxCredential, sandboxToken, startTestSandbox, type TestSandbox } from "@/sandbox/testing";
export { SANDBOX_NEXUS_SECRET_URI } from "@/sandbox/keyvault/sandbox-vault";
