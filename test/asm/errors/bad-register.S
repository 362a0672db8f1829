# Error case: register operands that are not registers, or registers of the wrong file.
# Integer and floating-point register names are distinct; x32 and f32 do not exist.
# expect: 7:15: unknown register 'x32' (integer registers are x0..x31, or ABI names such as a0 and sp)
# expect: 8:10: expected a floating-point register, got integer register 'a0'
# expect: 9:6: expected an integer register, got floating-point register 'fa0'
# expect: 10:20: unknown register 'f32' (floating-point registers are f0..f31, or ABI names such as fa0 and ft0)
  add a0, a1, x32
  fadd.s a0, fa1, fa2
  ld fa0, 0(sp)
  fsub.d fa0, fa1, f32
