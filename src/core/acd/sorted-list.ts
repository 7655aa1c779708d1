// Items kept in order: waiting interactions in routing order, free agents by idle time. Stored as
// a list of sorted blocks of at most 2 × BLOCK items: inserting or removing anywhere moves at most
// one block (a single array would move everything behind the point, and the longest-idle agents
// that leave the free lists are exactly at the front).

const BLOCK = 256;

/** Routing order: effective arrival first, then arrival sequence (unique, so keys never tie). */
export interface RoutingKey {
  effArrival: number;
  seq: number;
}

export function compareKeys(a: RoutingKey, b: RoutingKey): number {
  return a.effArrival - b.effArrival || a.seq - b.seq;
}

/** Walks a list in order; `peek` is the current item. Valid while the list is not changed. */
export interface Cursor<T> {
  peek(): T | undefined;
  next(): void;
}

export class SortedList<T> {
  private blocks: T[][] = [];
  private count = 0;

  /** `compare` must be a total order (no ties) that does not change while an item is in the list. */
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  /** First block whose last item is >= key (> key when not inclusive); blocks.length if none. */
  private blockFor(key: T, inclusive: boolean): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = this.blocks[mid]!;
      const c = this.compare(block[block.length - 1]!, key);
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private boundIn(block: T[], key: T, inclusive: boolean): number {
    let lo = 0;
    let hi = block.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compare(block[mid]!, key);
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(item: T): void {
    this.count++;
    if (this.blocks.length === 0) {
      this.blocks.push([item]);
      return;
    }
    const b = Math.min(this.blockFor(item, true), this.blocks.length - 1);
    const block = this.blocks[b]!;
    const at = this.boundIn(block, item, true);
    // Shifting by hand: splice allocates an array for what it removes and is slower at this size.
    block.push(item);
    for (let k = block.length - 1; k > at; k--) block[k] = block[k - 1]!;
    block[at] = item;
    if (block.length > 2 * BLOCK) this.blocks.splice(b + 1, 0, block.splice(BLOCK));
  }

  remove(item: T): boolean {
    const b = this.blockFor(item, true);
    const block = this.blocks[b];
    if (!block) return false;
    const k = this.boundIn(block, item, true);
    if (block[k] !== item) return false;
    for (let j = k; j < block.length - 1; j++) block[j] = block[j + 1]!;
    block.pop();
    this.count--;
    if (block.length === 0) this.blocks.splice(b, 1);
    return true;
  }

  /** 0-based place of `item`, -1 when absent. */
  indexOf(item: T): number {
    const b = this.blockFor(item, true);
    const block = this.blocks[b];
    if (!block) return -1;
    const k = this.boundIn(block, item, true);
    if (block[k] !== item) return -1;
    let n = k;
    for (let j = 0; j < b; j++) n += this.blocks[j]!.length;
    return n;
  }

  /** The first item strictly after `key` (the first of all when key is null). */
  after(key: T | null): T | undefined {
    if (key === null) return this.blocks[0]?.[0];
    const block = this.blocks[this.blockFor(key, false)];
    return block?.[this.boundIn(block, key, false)];
  }

  /** The first item, in order, that `fits`. */
  find(fits: (item: T) => boolean): T | undefined {
    for (const block of this.blocks) for (const item of block) if (fits(item)) return item;
    return undefined;
  }

  toArray(): T[] {
    return this.blocks.flat();
  }

  cursor(): Cursor<T> {
    let b = 0;
    let k = 0;
    const blocks = this.blocks;
    return {
      peek: () => blocks[b]?.[k],
      next: () => {
        if (++k >= (blocks[b]?.length ?? 0)) {
          b++;
          k = 0;
        }
      },
    };
  }
}
