// Flattened device tree (DTB) writer: builds the binary blob firmware and kernels read at boot.
// Follows the Devicetree Specification v0.4, chapter 5 (header, reservation block, structure, strings).

/** A property value: a string, a list of strings, a list of 32-bit cells, raw bytes, or empty (a flag). */
export type FdtValue = string | string[] | number[] | Uint8Array | null;

export interface FdtNode {
  name: string;
  props: [string, FdtValue][];
  children: FdtNode[];
}

export function node(name: string, props: [string, FdtValue][], children: FdtNode[] = []): FdtNode {
  return { name, props, children };
}

/** Cells for a 64-bit number as two 32-bit cells (#address-cells / #size-cells = 2). */
export function u64(v: number): number[] {
  return [Math.floor(v / 4294967296), v % 4294967296];
}

const FDT_MAGIC = 0xd00dfeed, BEGIN_NODE = 1, END_NODE = 2, PROP = 3, END = 9;

function encodeValue(v: FdtValue): Uint8Array {
  if (v === null) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(`${v}\0`);
  if (v.length > 0 && typeof v[0] === 'string') return new TextEncoder().encode((v as string[]).map((s) => `${s}\0`).join(''));
  const out = new Uint8Array(v.length * 4);
  const dv = new DataView(out.buffer);
  (v as number[]).forEach((c, i) => dv.setUint32(i * 4, c >>> 0));
  return out;
}

/** Serialises a tree rooted at `root` (whose name must be '') into a DTB. */
export function writeFdt(root: FdtNode, bootCpu = 0): Uint8Array {
  const struct: number[] = [];
  const strings: number[] = [];
  const stringOffsets = new Map<string, number>();
  const word = (v: number) => { struct.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255); };
  const bytes = (b: Uint8Array) => { for (const x of b) struct.push(x); while (struct.length % 4) struct.push(0); };
  const nameOffset = (name: string): number => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = strings.length;
      stringOffsets.set(name, off);
      for (const b of new TextEncoder().encode(`${name}\0`)) strings.push(b);
    }
    return off;
  };
  const emit = (n: FdtNode) => {
    word(BEGIN_NODE);
    bytes(new TextEncoder().encode(`${n.name}\0`));
    for (const [name, value] of n.props) {
      const data = encodeValue(value);
      word(PROP);
      word(data.length);
      word(nameOffset(name));
      bytes(data);
    }
    n.children.forEach(emit);
    word(END_NODE);
  };
  emit(root);
  word(END);

  const headerSize = 40, reserveSize = 16; // one terminating (0, 0) reservation entry
  const offStruct = headerSize + reserveSize, offStrings = offStruct + struct.length;
  const total = offStrings + strings.length;
  const out = new Uint8Array(Math.ceil(total / 8) * 8);
  const dv = new DataView(out.buffer);
  [FDT_MAGIC, out.length, offStruct, offStrings, headerSize, 17, 16, bootCpu, strings.length, struct.length]
    .forEach((v, i) => dv.setUint32(i * 4, v));
  out.set(struct, offStruct);
  out.set(strings, offStrings);
  return out;
}
