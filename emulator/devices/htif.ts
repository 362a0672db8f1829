// HTIF (Berkeley host-target interface): `tohost`/`fromhost` words in RAM, found through ELF symbols.
// Supports exit (device 0, odd payload) and console putchar (device 1, command 1), as Spike and QEMU do.

export class Htif {
  constructor(
    readonly tohost: number,
    readonly fromhost: number | undefined,
    private readonly io: {
      read64(pa: number): bigint;
      write64(pa: number, v: bigint): void;
      exit(code: number): void;
      putchar(byte: number): void;
    },
  ) {}

  /** A store touched [pa, pa+bytes). Acts when the store covers tohost's upper word, as QEMU does. Returns true to stop. */
  onStore(pa: number, bytes: number): boolean {
    if (!(pa <= this.tohost + 7 && pa + bytes > this.tohost + 4)) return false;
    const cmd = this.io.read64(this.tohost);
    if (cmd === 0n) return false;
    const device = Number(cmd >> 56n), command = Number((cmd >> 48n) & 0xffn), payload = cmd & 0xffff_ffff_ffffn;
    this.io.write64(this.tohost, 0n);
    if (device === 0 && command === 0 && (payload & 1n) === 1n) {
      this.io.exit(Number(payload >> 1n));
      return true;
    }
    if (device === 1 && command === 1) {
      this.io.putchar(Number(payload & 0xffn));
      if (this.fromhost !== undefined) this.io.write64(this.fromhost, (cmd >> 48n << 48n) | 0x100n | (payload & 0xffn));
    }
    return false;
  }
}
