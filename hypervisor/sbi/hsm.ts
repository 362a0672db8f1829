// SBI HSM extension (EID 0x48534D "HSM"): starting, stopping and suspending vCPUs, as Linux brings up secondary CPUs.
// A started vCPU enters the kernel as OpenSBI would start a hart: S-mode, satp Bare, a0 = hart id, a1 = opaque.
import { Priv } from '../../emulator/hart';
import { CSR } from '../../emulator/csr/file';
import type { Vcpu } from '../vcpu';
import {
  SBI_ERR_ALREADY_AVAILABLE, SBI_ERR_INVALID_ADDRESS, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED, SBI_SUCCESS, notSupported,
  type SbiCall, type SbiExtension, type SbiResult,
} from './extension';

const STATUS = { started: 0n, stopped: 1n, suspended: 4n } as const;
const RETENTIVE = 0n, NON_RETENTIVE = 0x80000000n;

export const hsmExtension: SbiExtension = {
  name: 'HSM',
  eids: [0x48534d, 0x48534d],
  call(c: SbiCall): SbiResult {
    switch (c.fid) {
      case 0: return start(c);
      case 1:
        c.x.vcpu.state = 'stopped';
        c.x.vmm.wake(c.x.vcpu);
        return { error: SBI_SUCCESS, name: 'hart_stop', noReturn: true };
      case 2: {
        const v = target(c);
        if (!v) return { error: SBI_ERR_INVALID_PARAM, name: 'hart_get_status', detail: `no vCPU ${c.args[0]}` };
        return { error: SBI_SUCCESS, value: STATUS[v.state], name: 'hart_get_status', detail: `vCPU ${v.index} ${v.state}` };
      }
      case 3: return suspend(c);
      default: return notSupported(c.fid);
    }
  },
};

function target(c: SbiCall): Vcpu | undefined {
  return c.args[0] < BigInt(c.x.vm.vcpus.length) ? c.x.vm.vcpus[Number(c.args[0])] : undefined;
}

function start(c: SbiCall): SbiResult {
  const v = target(c), name = 'hart_start';
  if (!v) return { error: SBI_ERR_INVALID_PARAM, name, detail: `no vCPU ${c.args[0]}` };
  if (v.state !== 'stopped') return { error: SBI_ERR_ALREADY_AVAILABLE, name, detail: `vCPU ${v.index} is ${v.state}` };
  const addr = c.args[1];
  if (!c.x.vm.memory.contains(Number(addr), 2)) return { error: SBI_ERR_INVALID_ADDRESS, name, detail: `start address 0x${addr.toString(16)} is not guest RAM` };
  enterKernel(v, Number(addr), c.args[2]);
  v.state = 'started';
  c.x.vmm.wake(v);
  return { error: SBI_SUCCESS, name, detail: `vCPU ${v.index} at 0x${addr.toString(16)}` };
}

/** The state a hart starts the kernel in: S-mode, satp Bare, interrupts off, a0 = hart id, a1 = opaque. */
function enterKernel(v: Vcpu, pc: number, opaque: bigint): void {
  v.vpriv = Priv.S;
  v.csr.set(CSR.satp, 0n);
  v.csr.lo[CSR.mstatus] &= ~(1 << 1);
  v.pc = pc;
  v.setReg(10, BigInt(v.index));
  v.setReg(11, opaque);
}

function suspend(c: SbiCall): SbiResult {
  const type = c.args[0] & 0xffffffffn, name = 'hart_suspend', v = c.x.vcpu;
  if (type === RETENTIVE) {
    // As wfi: the call returns (SBI_SUCCESS) once an interrupt is pending.
    if (v.pendingInterrupts === 0) v.waiting = true;
    return { error: SBI_SUCCESS, name, detail: 'retentive: wait for an interrupt' };
  }
  if (type === NON_RETENTIVE) {
    if (!c.x.vm.memory.contains(Number(c.args[1]), 2)) return { error: SBI_ERR_INVALID_ADDRESS, name, detail: 'resume address is not guest RAM' };
    enterKernel(v, Number(c.args[1]), c.args[2]);
    c.x.resume = v.pc;
    if (v.pendingInterrupts === 0) v.waiting = true;
    return { error: SBI_SUCCESS, name, detail: `non-retentive: resume at 0x${c.args[1].toString(16)}`, noReturn: true };
  }
  return { error: type < 0x10000000n || (type >= 0x80000000n && type < 0x90000000n) ? SBI_ERR_INVALID_PARAM : SBI_ERR_NOT_SUPPORTED, name, detail: `suspend type 0x${type.toString(16)}` };
}
