// Trap-and-emulate proper: the guest kernel's privileged instructions (CSR access, sret, sfence.vma, wfi), which
// trap as illegal in real U-mode, carried out against the vCPU's virtual state exactly as S-mode hardware would.
import { Priv } from '../emulator/hart';
import { CSR, CsrFile } from '../emulator/csr/file';
import { csrByNumber, MSTATUS_FS } from '../emulator/csr/table';
import { decode } from '../emulator/isa/decode';
import { toNumber } from '../emulator/isa/alu64';
import { advance, hex, type Exit } from './exit';

/** The instruction was not one the VMM emulates (or not in this mode): the guest gets its illegal-instruction trap. */
export const NOT_EMULATED = undefined;

/** Emulates the exit's instruction and returns what was done, or NOT_EMULATED. */
export function emulatePrivileged(x: Exit): string | undefined {
  if (x.raw < 0 || x.vcpu.vpriv !== Priv.S) return NOT_EMULATED;
  const d = decode(x.raw);
  switch (d.op.name) {
    case 'csrrw': case 'csrrs': case 'csrrc': return emulateCsr(x, d.op.name, d.rd, d.rs1, d.imm, false);
    case 'csrrwi': case 'csrrsi': case 'csrrci': return emulateCsr(x, d.op.name, d.rd, d.rs1, d.imm, true);
    case 'sret': return sret(x);
    case 'sfence.vma': return sfenceVma(x, d.rs1, d.rs2);
    case 'wfi': return wfi(x);
    default: return NOT_EMULATED;
  }
}

const KIND = { csrrw: 0, csrrs: 1, csrrc: 2, csrrwi: 0, csrrsi: 1, csrrci: 2 } as const;

function emulateCsr(x: Exit, name: keyof typeof KIND, rd: number, rs1: number, num: number, immediate: boolean): string | undefined {
  const v = x.vcpu, c = v.csr, kind = KIND[name];
  const writes = kind === 0 || rs1 !== 0;
  syncFs(x);
  if (!c.read(num, Priv.S)) return NOT_EMULATED;
  if (writes && CsrFile.readOnly(num)) return NOT_EMULATED;
  const olo = c.rlo, ohi = c.rhi;
  if (writes) {
    const slo = immediate ? rs1 : x.hart.L[rs1], shi = immediate ? 0 : x.hart.H[rs1];
    const nlo = kind === 0 ? slo : kind === 1 ? olo | slo : olo & ~slo;
    const nhi = kind === 0 ? shi : kind === 1 ? ohi | shi : ohi & ~shi;
    c.write(num, nlo, nhi);
    if (num === CSR.sstatus) x.vmm.realFsChanged(v);
  }
  if (rd !== 0) { x.hart.L[rd] = olo; x.hart.H[rd] = ohi; }
  advance(x);
  return describeCsr(name, rd, num, immediate, writes, c);
}

/** "emulate csrw satp ← 0x8000...", "emulate csrr sstatus → 0x...": what the guest did and what it got. */
function describeCsr(name: string, rd: number, num: number, immediate: boolean, writes: boolean, c: CsrFile): string {
  const csr = csrByNumber.get(num)?.name ?? hex(num);
  if (!writes) return `emulate csrr ${csr} (reads ${hex(c.get(num))})`;
  const verb = rd === 0 ? { 0: 'csrw', 1: 'csrs', 2: 'csrc' }[KIND[name as keyof typeof KIND]] : name;
  return `emulate ${verb}${immediate && rd === 0 ? 'i' : ''} ${csr} (now ${hex(c.peek(num))})`;
}

/** sstatus.FS lives in the real mstatus while the guest runs (the hardware marks it Dirty): read it back first. */
function syncFs(x: Exit): void {
  const c = x.vcpu.csr, real = x.hart.csr.lo[CSR.mstatus] & MSTATUS_FS;
  c.write(CSR.mstatus, (c.lo[CSR.mstatus] & ~MSTATUS_FS) | real, c.hi[CSR.mstatus]);
}

function sret(x: Exit): string {
  const v = x.vcpu, c = v.csr, s = c.lo[CSR.mstatus];
  const spp = (s >>> 8) & 1, spie = (s >>> 5) & 1;
  c.lo[CSR.mstatus] = (s & ~((1 << 1) | (1 << 8))) | (spie << 1) | (1 << 5);
  v.vpriv = spp === 1 ? Priv.S : Priv.U;
  x.resume = toNumber(c.lo[CSR.sepc], c.hi[CSR.sepc]);
  return `emulate sret to ${spp === 1 ? 'S' : 'U'}-mode at ${hex(x.resume)}`;
}

function sfenceVma(x: Exit, rs1: number, rs2: number): string {
  const h = x.hart;
  const page = rs1 === 0 ? undefined : { lo: h.L[rs1], hi: h.H[rs1] };
  const asid = rs2 === 0 ? undefined : h.L[rs2] & 0xffff;
  x.vm.shadow.flush(page, asid);
  advance(x);
  const what = page ? `page ${hex(toNumber(h.L[rs1], h.H[rs1]))}` : 'all pages';
  return `emulate sfence.vma: flush shadow ${what}${asid === undefined ? '' : ` of ASID ${asid}`}`;
}

function wfi(x: Exit): string {
  advance(x);
  if (x.vcpu.pendingInterrupts !== 0) return 'emulate wfi: an interrupt is pending, go on';
  x.vcpu.waiting = true;
  return 'emulate wfi: vCPU waits for an interrupt';
}
