# CSR pseudo-instructions and CSR names, symbolic and numeric, across privilege levels and the H extension.
# Also the counter and FP-CSR shorthands (rdcycle, frcsr, fsrm...), which are csrrs/csrrw on fixed CSRs.
.text
.globl _start
_start:
  csrr a0, mstatus
  csrr a0, 0x300
  csrw mtvec, a0
  csrw 0x305, t0
  csrs mie, a1
  csrc mip, a2
  csrwi mscratch, 0
  csrwi mscratch, 31
  csrsi sstatus, 2
  csrci sstatus, 0x1f
  csrrw a0, mepc, a1
  csrrs zero, mcause, zero
  csrrc t0, mtval, t1
  csrrwi a0, satp, 5
  csrrsi a0, sie, 1
  csrrci a0, sip, 8
  csrr a0, cycle
  csrr a0, time
  csrr a0, instret
  csrr a0, mhartid
  csrr a0, misa
  csrr a0, mvendorid
  csrr a0, marchid
  csrr a0, mimpid
  csrr a0, medeleg
  csrr a0, mideleg
  csrr a0, mcounteren
  csrr a0, scounteren
  csrr a0, stvec
  csrr a0, sepc
  csrr a0, scause
  csrr a0, stval
  csrr a0, sscratch
  csrr a0, pmpcfg0
  csrr a0, pmpaddr0
  csrr a0, pmpaddr15
  csrr a0, mcycle
  csrr a0, minstret
  csrr a0, hstatus
  csrr a0, hedeleg
  csrr a0, hideleg
  csrr a0, hgatp
  csrr a0, htval
  csrr a0, htinst
  csrr a0, vsstatus
  csrr a0, vsatp
  csrr a0, vstvec
  csrr a0, vsepc
  csrr a0, mtval2
  csrr a0, mtinst
  csrr a0, 0xfff
  csrr a0, 0
  csrr a0, (0x300 + 0x41)
  rdcycle a0
  rdtime a1
  rdinstret a2
  frcsr a0
  fscsr a1
  fscsr a0, a1
  frrm a0
  fsrm a1
  fsrm a0, a1
  fsrmi 3
  fsrmi a0, 4
  frflags a0
  fsflags a1
  fsflags a0, a1
  fsflagsi 0x1f
  fsflagsi a0, 1
