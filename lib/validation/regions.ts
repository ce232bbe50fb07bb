/** The Azure regions a workspace may be deployed to. Pure and import-free, so any client form can use it. */
export const AZURE_REGIONS = ["eastus", "eastus2", "westus2", "westus3", "northeurope", "westeurope", "uksouth", "swedencentral", "australiaeast", "southeastasia"] as const;
