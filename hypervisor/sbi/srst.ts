// SBI SRST extension (EID 0x53525354 "SRST"): system reset, which for a guest means its VM halts.
// Only that VM stops; the VMM and the other VMs go on.
import { SBI_ERR_INVALID_PARAM, SBI_SUCCESS, notSupported, type SbiCall, type SbiExtension, type SbiResult } from './extension';

const TYPES = ['shutdown', 'cold reboot', 'warm reboot'];
const REASONS = ['no reason', 'system failure'];

export const srstExtension: SbiExtension = {
  name: 'SRST',
  eids: [0x53525354, 0x53525354],
  call(c: SbiCall): SbiResult {
    if (c.fid !== 0) return notSupported(c.fid);
    const type = TYPES[Number(c.args[0] & 0xffffffffn)] ?? (c.args[0] < 0xf0000000n ? undefined : 'vendor reset');
    if (type === undefined) return { error: SBI_ERR_INVALID_PARAM, name: 'system_reset', detail: `reset type ${c.args[0]}` };
    const reason = REASONS[Number(c.args[1] & 0xffffffffn)] ?? `reason ${c.args[1]}`;
    const why = `${type} (${reason})`;
    c.x.vmm.halt(c.x.vm, why, type === 'shutdown' && reason === 'no reason' ? 0 : 1);
    return { error: SBI_SUCCESS, name: 'system_reset', detail: why, noReturn: true };
  },
};
