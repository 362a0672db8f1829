// SBI TIME extension (EID 0x54494D45 "TIME"): set_timer programs the vCPU's timer.
// The deadline is the vCPU's virtual stimecmp, so SBI and Sstc guests share one timer, as on hardware with Sstc.
import { CSR } from '../../emulator/csr/file';
import { SBI_SUCCESS, notSupported, type SbiCall, type SbiExtension } from './extension';

export const timeExtension: SbiExtension = {
  name: 'TIME',
  eids: [0x54494d45, 0x54494d45],
  call(c: SbiCall) {
    if (c.fid !== 0) return notSupported(c.fid);
    setTimer(c, c.args[0]);
    return { error: SBI_SUCCESS, name: 'set_timer', detail: `deadline ${c.args[0]}` };
  },
};

/** Programs the next timer event; the pending timer interrupt clears until then (SBI spec 6.1). */
export function setTimer(c: SbiCall, deadline: bigint): void {
  c.x.vcpu.csr.set(CSR.stimecmp, deadline);
}
