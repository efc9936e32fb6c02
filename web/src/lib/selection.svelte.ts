/**
 * Multi-select for grids (library folders, albums): a click or Space toggles one item, Shift+click
 * selects the range from the last item clicked, as file managers do. Items are addressed by index
 * in the grid's order, so a range spans items not in the DOM (a virtualised grid).
 */
export class Selection<T extends { id: string }> {
  /** Selected items by ID, in the order they were chosen. */
  chosen = $state(new Map<string, T>());
  private anchor: number | undefined;

  get size(): number {
    return this.chosen.size;
  }

  has(id: string): boolean {
    return this.chosen.has(id);
  }

  items(): T[] {
    return [...this.chosen.values()];
  }

  /** `all()` gives the grid's items in order (only called for a Shift range). */
  click(index: number, item: T, shift: boolean, all: () => readonly (T | undefined)[]): void {
    const next = new Map(this.chosen);
    if (shift && this.anchor !== undefined) {
      const list = all();
      const [from, to] = this.anchor < index ? [this.anchor, index] : [index, this.anchor];
      for (let i = from; i <= to; i++) {
        const it = list[i];
        if (it) next.set(it.id, it);
      }
    } else if (next.has(item.id)) {
      next.delete(item.id);
    } else {
      next.set(item.id, item);
    }
    this.anchor = index;
    this.chosen = next;
  }

  clear(): void {
    this.chosen = new Map();
    this.anchor = undefined;
  }
}
