// SBI DBCN extension (EID 0x4442434E "DBCN"): the debug console, backed by the VM's own console.
// Addresses are guest-physical; a buffer outside guest RAM is refused (SBI_ERR_INVALID_PARAM), never read.
import { SBI_ERR_INVALID_PARAM, SBI_SUCCESS, notSupported, type SbiCall, type SbiExtension, type SbiResult } from './extension';

export const dbcnExtension: SbiExtension = {
  name: 'DBCN',
  eids: [0x4442434e, 0x4442434e],
  call(c: SbiCall): SbiResult {
    const vm = c.x.vm;
    switch (c.fid) {
      case 0: case 1: {
        const name = c.fid === 0 ? 'console_write' : 'console_read';
        const n = c.args[0], addr = (c.args[2] << 32n) | (c.args[1] & 0xffffffffn);
        if (n > 1n << 20n || addr + n > 1n << 53n || !vm.memory.contains(Number(addr), Number(n))) {
          return { error: SBI_ERR_INVALID_PARAM, name, detail: `buffer 0x${addr.toString(16)}+${n} is not guest RAM` };
        }
        if (c.fid === 0) {
          for (const b of vm.memory.read(Number(addr), Number(n))) vm.events.emit('output', b);
          return { error: SBI_SUCCESS, value: n, name, detail: `${n} bytes` };
        }
        const bytes = vm.devices.uart.take(Number(n));
        vm.memory.write(Number(addr), Uint8Array.from(bytes));
        return { error: SBI_SUCCESS, value: BigInt(bytes.length), name, detail: `${bytes.length} bytes` };
      }
      case 2:
        vm.events.emit('output', Number(c.args[0] & 0xffn));
        return { error: SBI_SUCCESS, value: 0n, name: 'console_write_byte' };
      default: return notSupported(c.fid);
    }
  },
};
