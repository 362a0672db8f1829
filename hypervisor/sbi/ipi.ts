// SBI IPI extension (EID 0x735049 "sPI"): a supervisor software interrupt to each vCPU in a hart mask.
// The target's virtual SSIP is set; a vCPU on another hart is kicked so that it sees it promptly.
import { SBI_ERR_INVALID_PARAM, SBI_SUCCESS, maskedHarts, notSupported, type SbiCall, type SbiExtension } from './extension';

export const ipiExtension: SbiExtension = {
  name: 'IPI',
  eids: [0x735049, 0x735049],
  call(c: SbiCall) {
    if (c.fid !== 0) return notSupported(c.fid);
    const targets = maskedHarts(c.args[0], c.args[1], c.x.vm.vcpus.length);
    if (!targets) return { error: SBI_ERR_INVALID_PARAM, name: 'send_ipi', detail: 'the hart mask names a vCPU this VM does not have' };
    sendIpi(c, targets);
    return { error: SBI_SUCCESS, name: 'send_ipi', detail: `to vCPU ${targets.join(', ')}` };
  },
};

export function sendIpi(c: SbiCall, targets: number[]): void {
  for (const t of targets) {
    const v = c.x.vm.vcpus[t];
    v.setPending(1, true);
    c.x.vmm.wake(v);
  }
}
