#!/usr/bin/env bash
# Acceptance for the FCN engine issue: CamVid train+val into a fresh project, `train` with its
# default settings for MINUTES (default 30), then `eval --json`. Prints the per-epoch curve and
# checks val mean IU >= 0.50 and pixel accuracy >= 0.87. Needs ../shared/datasets/camvid.
# Run it on a quiet machine: it measures what the defaults reach in wall-clock time.
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES="${1:-30}"
CAMVID="../shared/datasets/camvid"
WORK="${WORK:-$(mktemp -d /tmp/fcn-camvid-acceptance-XXXX)}"
cli() { node electron/host/bin.mjs "$@"; }

[ -d "$CAMVID" ] || { echo "skipped: $CAMVID is absent"; exit 0; }
cli init --project "$WORK/project" --classes "$CAMVID/classes.json" >/dev/null
cli import --project "$WORK/project" --images "$CAMVID/train/images" --labels "$CAMVID/train/labels" --split train --json >/dev/null
cli import --project "$WORK/project" --images "$CAMVID/val/images" --labels "$CAMVID/val/labels" --split val --json >/dev/null
cli train --project "$WORK/project" --max-minutes "$MINUTES" --epochs 1000 --json | tee "$WORK/curve.jsonl"
cli eval --project "$WORK/project" --run latest --split val --json | tee "$WORK/eval.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const ok = r.meanIoU >= 0.5 && r.pixelAccuracy >= 0.87;
console.log(`val mean IU ${r.meanIoU.toFixed(4)} (goal 0.50), pixel accuracy ${r.pixelAccuracy.toFixed(4)} (goal 0.87): ${ok ? "met" : "NOT met"}`);
process.exit(ok ? 0 : 1);
' "$WORK/eval.json"
