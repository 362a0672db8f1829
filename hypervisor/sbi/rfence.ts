// SBI RFENCE extension (EID 0x52464E43 "RFNC"): remote fence.i and sfence.vma on other vCPUs.
// Shadow tables are per VM, shared by its vCPUs, so one flush of them serves every target.
import { SBI_ERR_INVALID_PARAM, SBI_SUCCESS, maskedHarts, notSupported, type SbiCall, type SbiExtension, type SbiResult } from './extension';

/** Ranges larger than this many pages are flushed whole (as OpenSBI and Linux do past a threshold). */
const MAX_PAGES = 64;

export const rfenceExtension: SbiExtension = {
  name: 'RFENCE',
  eids: [0x52464e43, 0x52464e43],
  call(c: SbiCall): SbiResult {
    const targets = maskedHarts(c.args[0], c.args[1], c.x.vm.vcpus.length);
    const name = ['remote_fence_i', 'remote_sfence_vma', 'remote_sfence_vma_asid'][c.fid];
    if (name === undefined) return notSupported(c.fid); // the hfence functions: no H extension for guests
    if (!targets) return { error: SBI_ERR_INVALID_PARAM, name, detail: 'the hart mask names a vCPU this VM does not have' };
    // fence.i: the machine's instruction caches are coherent with stores, so there is nothing to do.
    if (c.fid === 0) return { error: SBI_SUCCESS, name };
    const asid = c.fid === 2 ? Number(c.args[4] & 0xffffn) : undefined;
    return { error: SBI_SUCCESS, name, detail: remoteSfence(c, c.args[2], c.args[3], asid) };
  },
};

/** Flushes [start, start+size) of the VM's shadow tables (all of them for size 0 or -1, or a large range). */
export function remoteSfence(c: SbiCall, start: bigint, size: bigint, asid: number | undefined): string {
  const shadow = c.x.vm.shadow, all = size === 0n || size === (1n << 64n) - 1n || size > BigInt(MAX_PAGES * 4096);
  if (all) { shadow.flush(undefined, asid); return 'flush all'; }
  for (let a = start & ~4095n; a < start + size; a += 4096n) {
    const s = BigInt.asIntN(64, a);
    shadow.flush({ lo: Number(BigInt.asIntN(32, s)), hi: Number(s >> 32n) }, asid);
  }
  return `flush 0x${start.toString(16)}+0x${size.toString(16)}`;
}
