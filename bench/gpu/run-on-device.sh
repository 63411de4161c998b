#!/usr/bin/env bash
# Runs the WebGPU benchmark on the GPU machine (no Node, no network there). Called from the repo
# root by the device tool with carry [".device", ".gl"]:
#   bash .device/run-on-device.sh [bench args, e.g. --cases small,vgg16 --iters 5]
# Writes $OUT/webgpu-bench.jsonl (the JSON lines, plus an adapterInfo line first) and
# $OUT/webgpu-bench.log (stderr), and prints the JSON lines last.
# Locally (software GLES adapter): bash bench/gpu/run-on-device.sh --local [bench args]
set -u
ROOT=$(pwd)
DEV="$ROOT/.device"
OUT=${OUT:-/tmp/webgpu-bench-out}
mkdir -p "$OUT"

LOCAL=0
if [ "${1:-}" = "--local" ]; then LOCAL=1; shift; fi

if [ "$LOCAL" = 0 ]; then
  # Loaders, as the device README says: unpack into / and refresh the linker cache.
  if [ -d "$ROOT/.gl" ]; then
    for f in "$ROOT"/.gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  # Point the loaders at NVIDIA's driver files when they are there (the README's fallback).
  [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  {
    echo "== nvidia-smi"; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv 2>&1
    echo "== ldconfig libvulkan"; ldconfig -p | grep -E 'libvulkan|libEGL' 2>&1
    echo "== icd files"; ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>&1
  } >"$OUT/env.txt" 2>&1
fi

NODE=/tmp/bench-node
if [ "$LOCAL" = 1 ] && command -v node >/dev/null; then
  NODE=$(command -v node)
elif [ ! -x "$NODE" ]; then
  xz -dc "$DEV/node.xz" >"$NODE" && chmod +x "$NODE" || { echo "cannot unpack node"; exit 1; }
fi
"$NODE" --version

export EGL_PLATFORM=${EGL_PLATFORM:-surfaceless}
rm -f "$OUT/webgpu-bench.jsonl"
cd "$DEV" || exit 1
# --no-warnings: Node 20 warns on require() of webgpu's ES module; stdout stays JSON lines only.
"$NODE" --no-warnings --max-old-space-size=16384 webgpuBench.cjs --out "$OUT/webgpu-bench.jsonl" "$@" \
  >"$OUT/webgpu-bench.stdout" 2>"$OUT/webgpu-bench.log"
rc=$?
echo "== exit $rc; log tail:"
tail -n 40 "$OUT/webgpu-bench.log"
echo "== JSON lines:"
cat "$OUT/webgpu-bench.stdout"
exit $rc
