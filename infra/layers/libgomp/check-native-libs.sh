#!/usr/bin/env bash
# Checks that LightGBM's native libraries, as packed in predict-step.jar, find every shared library they need
# inside the Lambda java21 image with the built layer at /opt, and that the image's glibc is new enough.
# Run from the repository root after `./mvnw -B package` and `sam build` (in infra/). Needs Docker; for arm64
# on an x86_64 machine, Docker's QEMU emulation (Docker Desktop has it; on Linux: the binfmt package).
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
jar="$root/predict-step/target/predict-step.jar"
layer="$root/infra/.aws-sam/build/LibgompLayer"
arch=${LAYER_ARCH:-aarch64}
case "$arch" in
  aarch64) platform=linux/arm64; image=public.ecr.aws/lambda/java:21-arm64; loader=/lib/ld-linux-aarch64.so.1 ;;
  x86_64) platform=linux/amd64; image=public.ecr.aws/lambda/java:21-x86_64; loader=/lib64/ld-linux-x86-64.so.2 ;;
  *) echo "LAYER_ARCH must be aarch64 or x86_64, was $arch" >&2; exit 2 ;;
esac
[ -f "$jar" ] || { echo "missing $jar: run ./mvnw -B package first" >&2; exit 2; }
[ -f "$layer/lib/libgomp.so.1" ] || { echo "missing $layer/lib/libgomp.so.1: run sam build in infra/ first" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -q -j "$jar" "lightgbm4j/linux/$arch/*.so" -d "$work/native"

docker run --rm --platform "$platform" -v "$layer:/opt:ro" -v "$work/native:/native:ro" \
  --entrypoint /bin/sh "$image" -c "
    echo \"glibc: \$($loader --version | head -1)\"
    echo \"LD_LIBRARY_PATH=\$LD_LIBRARY_PATH\"
    # lib_lightgbm_swig.so needs lib_lightgbm.so, which lightgbm4j loads first from its own temp directory.
    for lib in /native/lib_lightgbm.so /native/lib_lightgbm_swig.so; do
      echo \"== \$lib\"
      LD_LIBRARY_PATH=\$LD_LIBRARY_PATH:/native $loader --list \$lib
    done" | tee "$work/report.txt"

if grep -q 'not found' "$work/report.txt"; then
  echo "FAILED: a library LightGBM needs is missing from the image and the layer" >&2
  exit 1
fi
echo "OK: every library LightGBM needs resolves in $image with the layer"
