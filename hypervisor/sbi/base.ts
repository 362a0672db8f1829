// SBI Base extension (EID 0x10): the spec version, who implements it, and which extensions exist.
// Every kernel calls it first; Linux refuses SBI features whose probe says 0.
import { SBI_SUCCESS, notSupported, type SbiCall, type SbiExtension, type SbiResult } from './extension';

/** SBI 2.0. */
const SPEC_VERSION = (2n << 24n) | 0n;
/**
 * Implementation id. The SBI spec's registry has no entry for Ringside; 0x52494e47 ("RING") is chosen to stay
 * clear of the registered ids (0..11 and a few more), so that no kernel mistakes the VMM for OpenSBI or KVM.
 */
export const RINGSIDE_IMPL_ID = 0x52494e47n;
const IMPL_VERSION = 1n;

export function baseExtension(probe: (eid: number) => boolean): SbiExtension {
  return {
    name: 'Base',
    eids: [0x10, 0x10],
    call(c: SbiCall): SbiResult {
      const ok = (name: string, value: bigint): SbiResult => ({ error: SBI_SUCCESS, value, name });
      switch (c.fid) {
        case 0: return ok('get_spec_version', SPEC_VERSION);
        case 1: return ok('get_impl_id', RINGSIDE_IMPL_ID);
        case 2: return ok('get_impl_version', IMPL_VERSION);
        case 3: {
          const eid = Number(c.args[0] & 0xffffffffn);
          return { ...ok('probe_extension', probe(eid) ? 1n : 0n), detail: `0x${eid.toString(16)}` };
        }
        case 4: return ok('get_mvendorid', 0n);
        case 5: return ok('get_marchid', 0n);
        case 6: return ok('get_mimpid', 0n);
        default: return notSupported(c.fid);
      }
    },
  };
}
