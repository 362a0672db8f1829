// SBI calls from the guest kernel (ecall in virtual S-mode): find the extension by EID range, call it, return
// a0/a1 as the SBI calling convention says. One file per extension; this table is the only list of them.
import type { SbiExtension } from './extension';
import { SBI_ERR_NOT_SUPPORTED } from './extension';
import { baseExtension } from './base';
import { timeExtension } from './time';
import { ipiExtension } from './ipi';
import { rfenceExtension } from './rfence';
import { hsmExtension } from './hsm';
import { srstExtension } from './srst';
import { dbcnExtension } from './dbcn';
import { legacyExtension } from './legacy';
import { advance, type Exit } from '../exit';

const OTHERS: SbiExtension[] = [legacyExtension, timeExtension, ipiExtension, rfenceExtension, hsmExtension, srstExtension, dbcnExtension];
export const SBI_EXTENSIONS: readonly SbiExtension[] = [baseExtension((eid) => find(eid) !== undefined), ...OTHERS];

function find(eid: number): SbiExtension | undefined {
  return SBI_EXTENSIONS.find((e) => eid >= e.eids[0] && eid <= e.eids[1]);
}

/** Handles the ecall at x.pc; returns the trap log's line ("SBI TIME set_timer: deadline 1234"). */
export function sbiCall(x: Exit): string {
  const h = x.vcpu.hart;
  const eid = h.L[17] >>> 0, fid = h.L[16] >>> 0;
  const args = [10, 11, 12, 13, 14, 15].map((r) => x.vcpu.reg(r));
  const ext = find(eid);
  advance(x);
  if (!ext) {
    h.setReg(10, BigInt(SBI_ERR_NOT_SUPPORTED));
    return `SBI call to unknown extension 0x${eid.toString(16)}: not supported`;
  }
  const r = ext.call({ x, eid, fid, args });
  if (!r.noReturn) {
    h.setReg(10, BigInt(r.error));
    // As OpenSBI: a1 is always written (0 when the call has no value); legacy calls leave it alone.
    if (!ext.legacy) h.setReg(11, r.value ?? 0n);
  }
  const status = r.error < 0 && !ext.legacy ? ` → error ${r.error}` : '';
  return `SBI ${ext.name} ${r.name}${r.detail ? `: ${r.detail}` : ''}${status}`;
}
