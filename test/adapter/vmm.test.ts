// The debugger under the VMM, end to end over DAP (the built adapter): vCPU threads, a VM-exit filter with its VMM
// frame, stepping back into the guest and through a U-mode ecall into the guest kernel, and the translate request
// (guest walk, p2m, shadow) checked against readMemory of the very PTEs it names.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { lineOf, NO_LIMIT, PROGRAMS, repl, startAdapter, topFrame, until, variablesOf } from './session';
import type { ExitsResponseBody, PageTablesResponseBody, VmTranslateResponseBody } from '../../debug-adapter/protocol';

const GUEST = path.join(PROGRAMS, 'vm-guest.S');
const line = (text: string): number => lineOf('vm-guest.S', text);

async function launchVms(dc: DebugClient, vms: Record<string, unknown>[]): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', NO_LIMIT);
  await Promise.all([dc.configurationSequence(), dc.launch({ vmm: { vms }, cwd: PROGRAMS, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments)]);
  return await stopped as DebugProtocol.StoppedEvent;
}

async function frames(dc: DebugClient, threadId = 1): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId })).body.stackFrames;
}

/** Reads `count` bytes at a memoryReference as a little-endian number. */
async function readU(dc: DebugClient, ref: string, count: number): Promise<bigint> {
  const r = await dc.customRequest('readMemory', { memoryReference: ref, count }) as DebugProtocol.ReadMemoryResponse;
  const bytes = Buffer.from(r.body?.data ?? '', 'base64');
  assert.equal(bytes.length, count, `${count} readable bytes at ${ref}`);
  return bytes.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
}

const value = (vars: DebugProtocol.Variable[], name: string): string => {
  const v = vars.find((x) => x.name === name);
  assert.ok(v, `${name} among ${vars.map((x) => x.name).join(', ')}`);
  return v.value;
};

describe('debug adapter under the VMM: guests as vCPU threads', () => {
  let dc: DebugClient;
  beforeEach(async () => { dc = await startAdapter(); });
  afterEach(async () => { await dc.stop(); });

  it('has one thread per vCPU for two VMs, and each VM\'s console prefixed with its name', async () => {
    const e = await launchVms(dc, [{ program: 'vm-guest.S' }, { program: GUEST }]);
    assert.equal(e.body.threadId, 1);
    const threads = (await dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => [t.id, t.name]), [[1, 'vm0/vcpu0'], [2, 'vm1/vcpu0']]);
    const f = await topFrame(dc, 2);
    assert.equal(f.name, '_start');
    assert.equal(f.source?.path, GUEST);
    const out: string[] = [];
    dc.on('output', (o: DebugProtocol.OutputEvent) => { if (o.body.category === 'stdout') out.push(o.body.output); });
    await Promise.all([dc.waitForEvent('terminated', NO_LIMIT), dc.continueRequest({ threadId: 1 })]);
    const text = out.join('');
    assert.match(text, /^\[vm0\] GK$/m);
    assert.match(text, /^\[vm1\] GK$/m);
  });

  it('stops after the VMM emulated csrw satp (a conditional VM-exit filter), shows the VMM frame, and steps back into the guest', async () => {
    await launchVms(dc, [{ program: 'vm-guest.S' }]);
    const set = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'vm-csr', condition: 'satp != 0' }] });
    assert.deepEqual(set.body?.breakpoints?.map((b) => b.verified), [true]);
    let e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'exception');
    assert.equal(e.body.threadId, 1);
    let fs = await frames(dc);
    assert.equal(fs[0].name, 'VMM: emulate csrw satp (illegal instruction)');
    assert.equal(fs[0].presentationHint, 'label');
    assert.equal(fs[1].name.startsWith('_start'), true);
    assert.equal(fs[1].line, line('csrw satp, t0'), 'the guest frame is at the trapping instruction');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'vm-csr');
    assert.match(info.body.description ?? '', /illegal instruction at 0x8020[0-9a-f]+ \(csrw satp,t0\) — the VMM decided: emulate csrw satp/);

    const guestView = await variablesOf(dc, fs[1].id, 'Guest view');
    assert.match(value(guestView, 'mode'), /^S \(supervisor, ring 0\)/);
    assert.match(value(guestView, 'satp'), /Sv39/, 'the virtual satp holds what the guest wrote');
    const machine = await variablesOf(dc, fs[1].id, 'Machine');
    assert.match(value(machine, 'mode'), /^U \(user, ring 3\)/, 'the guest kernel really runs in U-mode');
    assert.match(value(machine, 'mcause'), /illegal instruction/);
    assert.match(value(machine, 'satp'), /shadow tree S of vm0/);

    e = await until(dc, dc.nextRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'step');
    assert.match(e.body.description ?? '', /back in the guest at 0x8020/);
    fs = await frames(dc);
    assert.equal(fs[0].line, line('  sfence.vma'), 'back in the guest, after the emulated instruction');

    e = await until(dc, dc.nextRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'step');
    fs = await frames(dc);
    assert.equal(fs[0].name, 'VMM: emulate sfence.vma: flush shadow all pages (illegal instruction)', 'a step on a trapping instruction stops in the VMM');
    await until(dc, dc.nextRequest({ threadId: 1 }));
    assert.equal((await topFrame(dc)).line, line('la t0, user'));

    // Registers and virtual CSRs can be changed.
    const regs = await variablesOf(dc, (await topFrame(dc)).id, 'Guest registers');
    const ref = (await dc.scopesRequest({ frameId: (await topFrame(dc)).id })).body.scopes.find((s) => s.name === 'Guest registers')!.variablesReference;
    assert.ok(regs.some((r) => r.name === 'a0'));
    await dc.setVariableRequest({ variablesReference: ref, name: 'a5', value: '0x1234' });
    assert.equal(await repl(dc, 'a5'), '0x1234');
    const gref = (await dc.scopesRequest({ frameId: (await topFrame(dc)).id })).body.scopes.find((s) => s.name === 'Guest view')!.variablesReference;
    await dc.setVariableRequest({ variablesReference: gref, name: 'sscratch', value: '0x55' });
    assert.equal(await repl(dc, 'sscratch'), '0x55');
  });

  it('steps from guest U-mode through an ecall: into the VMM, then into the guest kernel\'s handler', async () => {
    await launchVms(dc, [{ program: 'vm-guest.S' }]);
    const user = BigInt(await repl(dc, 'user')) - 0x4000_0000n;
    const set = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: `gva:vm0:0x${user.toString(16)}` }] }) as DebugProtocol.SetInstructionBreakpointsResponse;
    assert.equal(set.body.breakpoints[0].verified, true);
    let e = await until(dc, dc.continueRequest({ threadId: 1 }));
    assert.equal(e.body.reason, 'instruction breakpoint');
    let f = await topFrame(dc);
    assert.equal(f.instructionPointerReference, `gva:vm0:0x${user.toString(16)}`);
    assert.match(value(await variablesOf(dc, f.id, 'Guest view'), 'mode'), /^U \(user, ring 3\)/);
    const d = await dc.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionCount: 1 });
    assert.equal(d.body?.instructions[0].instruction, 'ecall', 'disassembly reads the guest through its own tables');

    e = await until(dc, dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    let fs = await frames(dc);
    assert.equal(fs[0].name, 'VMM: inject ecall from U-mode (system call) into the guest kernel (ecall from U-mode)');
    assert.match(e.body.description ?? '', /vm0\/vcpu0: VMM: inject ecall/);

    e = await until(dc, dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.match(e.body.description ?? '', /back in the guest kernel's trap handler/);
    fs = await frames(dc);
    f = fs[0];
    assert.equal(f.name, 'trap');
    assert.equal(f.line, line('csrr t0, scause'));
    assert.match(value(await variablesOf(dc, f.id, 'Guest view'), 'mode'), /^S \(supervisor, ring 0\)/);
    assert.match(value(await variablesOf(dc, f.id, 'Machine'), 'mode'), /^U \(user, ring 3\)/, 'still under the VMM: the hart stays in U-mode');
    assert.equal(await repl(dc, 'scause'), '0x8');
    assert.equal(await repl(dc, 'sepc'), `0x${user.toString(16)}`);
  });

  it('translates a guest address through the guest walk, the p2m and the shadow table, which agree with memory', async () => {
    await launchVms(dc, [{ program: 'vm-guest.S' }]);
    const user = BigInt(await repl(dc, 'user')) - 0x4000_0000n;
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: `gva:vm0:0x${user.toString(16)}` }] });
    await until(dc, dc.continueRequest({ threadId: 1 }));
    const t = (await dc.customRequest('ringside/vmTranslate', { vm: 'vm0', address: 'pc', space: 'gva', access: 'fetch' })).body as VmTranslateResponseBody;
    assert.equal(t.guest?.mode, 'Sv39');
    assert.equal(t.guest?.levels.length, 1, 'a gigapage: one level');
    assert.equal(t.guest?.gpa, `0x${(user + 0x4000_0000n).toString(16)}`);
    const g = t.guest!.levels[0];
    assert.equal(await readU(dc, `gpa:vm0:${g.pteAddress}`, 8), BigInt(g.pte), 'the guest PTE is where the walk read it');
    assert.match(g.flags, /^VRWXU-AD$/);
    assert.ok(t.p2m?.mpa, 'the p2m maps the page');
    assert.notEqual(t.p2m.mpa, t.p2m.gpa, 'the p2m is not the identity');
    assert.equal(t.shadow?.levels.length, 3);
    assert.equal(t.shadow?.mpa, t.p2m.mpa, 'the shadow entry maps what the guest walk and the p2m compose to');
    for (const l of t.shadow!.levels) assert.equal(await readU(dc, `mpa:${l.pteAddress}`, 8), BigInt(l.pte), `shadow level ${l.level}`);
    assert.equal(await readU(dc, `mpa:${t.p2m.mpa}`, 4), await readU(dc, `gva:vm0:0x${user.toString(16)}`, 4), 'the same bytes in both spaces');
    assert.match(t.text, /p2m: gpa 0x8020[0-9a-f]+ → mpa 0x/);

    const pt = (await dc.customRequest('ringside/pageTables', { vm: 'vm0', which: 'guest' })).body as PageTablesResponseBody;
    assert.deepEqual(pt.rows.map((r) => [r.from, r.to, r.bytes]), [['0x40000000', '0x80000000', 1 << 30], ['0x80000000', '0x80000000', 1 << 30]]);
    const shadow = (await dc.customRequest('ringside/pageTables', { vm: 'vm0', which: 'shadow' })).body as PageTablesResponseBody;
    assert.ok(shadow.rows.some((r) => r.to === `0x${(BigInt(t.p2m!.mpa!) & ~0xfffn).toString(16)}`));
    const exits = (await dc.customRequest('ringside/exits', { query: { limit: 1000 } })).body as ExitsResponseBody;
    assert.ok(exits.exits.some((x) => x.instruction === 'csrw satp,t0' && x.decision.startsWith('emulate csrw satp')));

    assert.match(await repl(dc, 'translate pc fetch'), /shadow tree U/);
    assert.match(await repl(dc, 'exits 3 satp'), /emulate csrw satp/);
    assert.match(await repl(dc, 'vms'), /^vm0: running, 64 MiB/);
    assert.match(await repl(dc, 'p2m'), /vm0's p2m/);
    assert.match(await repl(dc, 'help'), /pt guest\|shadow/);
  });

  it('stops on an SBI call whose condition names the extension id, and not on others', async () => {
    await launchVms(dc, [{ program: 'vm-guest.S' }]);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'vm-sbi', condition: 'eid == SRST - SRST + 1 && cause == 8' }] });
    await until(dc, dc.continueRequest({ threadId: 1 }));
    const fs = await frames(dc);
    assert.match(fs[0].name, /^VMM: SBI Legacy console_putchar/);
    assert.equal(fs[1].line, line('  ecall'), 'the first legacy call');
    assert.equal(await repl(dc, 'a7'), '0x1');
  });

  it('stops on the guest\'s SBI shutdown (the VM halted, the session not yet over), and ends the session when continued', async () => {
    await launchVms(dc, [{ program: 'vm-guest.S' }]);
    await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'vm-sbi', condition: 'eid == SRST' }] });
    await until(dc, dc.continueRequest({ threadId: 1 }));
    const fs = await frames(dc);
    assert.match(fs[0].name, /^VMM: SBI SRST system_reset/);
    assert.equal(fs[1].line, line('SRST system_reset') + 4, 'the shutdown\'s ecall');
    await Promise.all([dc.waitForEvent('terminated', NO_LIMIT), dc.continueRequest({ threadId: 1 })]);
  });

  it('rejects a bad vmm configuration with one message naming the attribute and the fix', async () => {
    await dc.initializeRequest();
    await assert.rejects(dc.launch({ vmm: { vms: [] }, cwd: PROGRAMS } as DebugProtocol.LaunchRequestArguments), /"vmm" vms must be a non-empty list/);
    await assert.rejects(dc.launch({ vmm: { vms: [{ program: 'absent.S' }] }, cwd: PROGRAMS } as DebugProtocol.LaunchRequestArguments), /vms\[0\]\.program names .*absent\.S, which does not exist/);
    await assert.rejects(dc.launch({ program: 'vm-guest.S', vmm: { vms: [{ program: 'vm-guest.S' }] }, cwd: PROGRAMS } as DebugProtocol.LaunchRequestArguments), /"program" is given as well as "vmm"/);
  });
});
