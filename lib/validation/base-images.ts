/**
 * Base images a request may build on. An allow-list, not a pattern: the image name is
 * written into a Dockerfile's FROM line, and an unknown registry would bypass the
 * workspace's network isolation anyway.
 */
export const BASE_IMAGES = [
  { id: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest", label: "Ubuntu 22.04, OpenMPI 4.1 (CPU)" },
  { id: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest", label: "Ubuntu 20.04, OpenMPI 4.1 (CPU)" },
  { id: "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.8-cudnn8-ubuntu22.04:latest", label: "Ubuntu 22.04, CUDA 11.8, cuDNN 8 (GPU)" },
  { id: "mcr.microsoft.com/azureml/curated/acpt-pytorch-2.2-cuda12.1:latest", label: "Azure Container for PyTorch 2.2, CUDA 12.1 (GPU)" },
] as const;

export type BaseImageId = (typeof BASE_IMAGES)[number]["id"];

export const BASE_IMAGE_IDS = BASE_IMAGES.map((b) => b.id) as [BaseImageId, ...BaseImageId[]];
