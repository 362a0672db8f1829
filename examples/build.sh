#!/bin/sh
# Rebuilds every example ELF from source with Debian's gcc-riscv64-linux-gnu.
#
#   examples/build.sh            writes each ELF next to its sources
#   examples/build.sh -o DIR     writes them under DIR instead, at the same relative paths
#                                (DIR/traps-demo/traps-demo.elf, ...), as test/cli does to check
#                                that the committed ELFs still match their sources
#
# examples/traps-demo/traps-demo.elf is committed so that `npm run demo` works on machines
# without a RISC-V toolchain; rebuild and commit it whenever its sources change (gcc's output
# is deterministic, and a test compares the two byte for byte).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
outdir=""
if [ "${1:-}" = "-o" ]; then outdir=$2; mkdir -p "$outdir"; fi

CC=${CC:-riscv64-linux-gnu-gcc}
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "examples/build.sh: $CC not found: install the Debian package gcc-riscv64-linux-gnu" >&2
  exit 127
fi
# -mcmodel=medany: the program lives at 0x8000_0000, beyond medlow's +-2 GiB around 0.
# No lp64 libgcc exists for this compiler: keep to what rv64imac does in instructions.
CFLAGS="-O2 -march=rv64imac -mabi=lp64 -mcmodel=medany -nostdlib -ffreestanding -fno-pie -no-pie -static -Wl,--build-id=none"
RT="$here/c/runtime"

# build OUTPUT SOURCE...
build() {
  out=$1; shift
  if [ -n "$outdir" ]; then out="$outdir/${out#"$here"/}"; mkdir -p "$(dirname "$out")"; fi
  # shellcheck disable=SC2086 # CFLAGS is a list of words
  "$CC" $CFLAGS -I"$RT" -T "$RT/link.ld" "$RT/crt0.S" "$RT/runtime.c" "$@" -o "$out"
  echo "built $out"
}

build "$here/hello-c/hello.elf" "$here/hello-c/hello.c"
build "$here/traps-demo/traps-demo.elf" "$here/traps-demo/traps.S" "$here/traps-demo/main.c"
