/**
 * Lets decodes run together only while their estimated memory adds up to the budget, so raising
 * the thumbnail concurrency cannot multiply the worst case: small images pass side by side, a large
 * one waits until it can run alone. Waiters are served in order, so a large one is not starved.
 */
export class MemoryGate {
  private inUse = 0;
  private readonly waiting: { bytes: number; admit: () => void }[] = [];

  constructor(private readonly budget: number) {}

  /** Resolves with a release function once `bytes` fit (a single request always fits when alone). */
  async acquire(bytes: number): Promise<() => void> {
    const need = Math.min(Math.max(0, bytes), this.budget);
    if (this.waiting.length > 0 || !this.fits(need)) await new Promise<void>((admit) => this.waiting.push({ bytes: need, admit }));
    else this.inUse += need;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse -= need;
      this.admitWaiting();
    };
  }

  private fits(bytes: number): boolean {
    return this.inUse === 0 || this.inUse + bytes <= this.budget;
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.inUse += next.bytes;
      next.admit();
    }
  }
}
