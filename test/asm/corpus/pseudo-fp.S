# Floating-point and memory-ordering pseudo-instructions: fmv/fabs/fneg for both widths, and the fence forms.
# fmv.s and friends are sign-injections with repeated sources; fence without operands means iorw,iorw.
.text
.globl _start
_start:
  fmv.s fa0, fa1
  fabs.s fa0, fa1
  fneg.s f31, f0
  fmv.d fa0, fa1
  fabs.d ft0, ft1
  fneg.d f0, f31
  fmv.x.w a0, fa0
  fmv.w.x fa0, a0
  fmv.x.d a0, fa0
  fmv.d.x fa0, a0
  fmv.x.s a0, fa0
  fmv.s.x fa0, a0
  flw fa0, 4(sp)
  fsd fa1, 8(sp)
  fcvt.w.s a0, fa0
  fcvt.w.s a0, fa0, rtz
  fcvt.s.w fa0, a0
  fadd.d fa0, fa1, fa2
  fmadd.s fa0, fa1, fa2, fa3
  fmadd.d fa0, fa1, fa2, fa3, rup
  fence
  fence rw, rw
  fence r, r
  fence w, w
  fence iorw, iorw
  fence.i
  fence.tso
