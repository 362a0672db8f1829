// One measurement of the VMM benchmark (bench/vmm.ts) in a process of its own, so that bare and VMM runs start
// from the same cold engine code: `vmm-child.ts WORKLOAD ENGINE bare|vmm` prints the run as one JSON line.
import type { Engine } from '../emulator/machine';
import { measure, type Mode } from './vmm';

const [workload, engine, mode] = process.argv.slice(2);
console.log(JSON.stringify(measure(workload, engine as Engine, mode as Mode)));
