// SBI v0.1 legacy extensions (EIDs 0x00..0x08): set_timer, console putchar/getchar, IPIs, fences, shutdown.
// Still used by early boot code and small kernels; they return only a0.
import { CSR } from '../../emulator/csr/file';
import { SBI_ERR_NOT_SUPPORTED, SBI_SUCCESS, type SbiCall, type SbiExtension, type SbiResult } from './extension';
import { setTimer } from './time';
import { remoteSfence } from './rfence';

export const legacyExtension: SbiExtension = {
  name: 'Legacy',
  eids: [0x00, 0x08],
  legacy: true,
  call(c: SbiCall): SbiResult {
    const vm = c.x.vm;
    switch (c.eid) {
      case 0: setTimer(c, c.args[0]); return { error: SBI_SUCCESS, name: 'set_timer' };
      case 1: vm.events.emit('output', Number(c.args[0] & 0xffn)); return { error: SBI_SUCCESS, name: 'console_putchar' };
      case 2: {
        const [b] = vm.devices.uart.take(1);
        return { error: b === undefined ? -1 : b, name: 'console_getchar' };
      }
      case 3: c.x.vcpu.csr.lo[CSR.mip] &= ~(1 << 1); return { error: SBI_SUCCESS, name: 'clear_ipi' };
      case 5: return { error: SBI_SUCCESS, name: 'remote_fence_i' };
      case 6: case 7: return { error: SBI_SUCCESS, name: 'remote_sfence_vma', detail: remoteSfence(c, 0n, 0n, undefined) };
      case 8: c.x.vmm.halt(vm, 'shutdown (legacy)', 0); return { error: SBI_SUCCESS, name: 'shutdown', noReturn: true };
      // send_ipi (4) passes a hart mask by virtual address, which the legacy spec leaves unvalidated: not offered.
      default: return { error: SBI_ERR_NOT_SUPPORTED, name: `legacy ${c.eid}`, detail: 'not supported' };
    }
  },
};
