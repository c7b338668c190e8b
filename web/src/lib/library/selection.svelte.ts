import { SvelteSet } from 'svelte/reactivity';

/** How a click selects, as in file managers. */
export interface SelectGesture {
  /** Ctrl (Windows, Linux) or Cmd (macOS): add or remove one item, keep the rest. */
  toggle?: boolean;
  /** Shift: everything from the anchor (the last plain or toggled click) to this item. */
  range?: boolean;
}

/**
 * Which items of a list are selected. `order` is the list as shown; ranges follow it. A plain click
 * selects one item; Ctrl/Cmd toggles one; Shift selects the range from the anchor (replacing the
 * selection, or adding to it with Ctrl/Cmd as well).
 */
export class Selection {
  readonly keys = new SvelteSet<string>();
  anchor = $state<string | null>(null);
  #order: readonly string[] = [];

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** The selected keys in list order. */
  get ordered(): string[] {
    return this.#order.filter((key) => this.keys.has(key));
  }

  /** The list changed (loaded, sorted, live items came or went): selected items that left are dropped. */
  setOrder(order: readonly string[]): void {
    this.#order = order;
    const present = new Set(order);
    for (const key of [...this.keys]) if (!present.has(key)) this.keys.delete(key);
    if (this.anchor !== null && !present.has(this.anchor)) this.anchor = null;
  }

  click(key: string, gesture: SelectGesture = {}): void {
    if (gesture.range && this.anchor !== null) {
      const range = this.#range(this.anchor, key);
      if (!gesture.toggle) this.keys.clear();
      for (const item of range) this.keys.add(item);
      return;
    }
    if (gesture.toggle) {
      if (this.keys.has(key)) this.keys.delete(key);
      else this.keys.add(key);
    } else {
      this.keys.clear();
      this.keys.add(key);
    }
    this.anchor = key;
  }

  selectAll(): void {
    for (const key of this.#order) this.keys.add(key);
  }

  clear(): void {
    this.keys.clear();
    this.anchor = null;
  }

  #range(from: string, to: string): string[] {
    const start = this.#order.indexOf(from);
    const end = this.#order.indexOf(to);
    if (start < 0 || end < 0) return [to];
    return this.#order.slice(Math.min(start, end), Math.max(start, end) + 1);
  }
}
