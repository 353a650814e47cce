// Group commit for job processors: items handed in while earlier batches run are applied together.

export interface BatcherOptions {
  /** Most items one batch takes. */
  maxBatch: number;
  /** Batches running at once (each holds one database connection while it runs). */
  maxInFlight: number;
}

interface Pending<In, Out> {
  item: In;
  key: string;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

/**
 * Collects items and runs them in batches: a batch starts as soon as a slot is free, with whatever has
 * arrived by then (so a lone item waits for nothing), and takes at most one item per key. `run` returns
 * one result per item, in order. When a batch of several throws, its items are run again one at a
 * time, so a single bad item fails alone with its own error and the others still apply.
 */
export class GroupBatcher<In, Out> {
  private pending: Array<Pending<In, Out>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly keyOf: (item: In) => string,
    private readonly opts: BatcherOptions,
  ) {
    if (!(opts.maxBatch >= 1 && opts.maxInFlight >= 1)) throw new Error('GroupBatcher needs maxBatch and maxInFlight of at least 1');
  }

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, key: this.keyOf(item), resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch and batches running: zero when idle. */
  get load(): { waiting: number; running: number } {
    return { waiting: this.pending.length, running: this.inFlight };
  }

  // Deferred to the next turn of the event loop, so items handed in by the same burst of I/O share a batch.
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.opts.maxInFlight && this.pending.length > 0) void this.flush(this.take());
    });
  }

  /** Up to maxBatch waiting items with distinct keys; an item whose key is already taken waits for a later batch. */
  private take(): Array<Pending<In, Out>> {
    const batch: Array<Pending<In, Out>> = [];
    const keys = new Set<string>();
    const rest: Array<Pending<In, Out>> = [];
    for (const p of this.pending) {
      if (batch.length < this.opts.maxBatch && !keys.has(p.key)) {
        keys.add(p.key);
        batch.push(p);
      } else rest.push(p);
    }
    this.pending = rest;
    return batch;
  }

  private async flush(batch: Array<Pending<In, Out>>): Promise<void> {
    this.inFlight++;
    try {
      await this.settle(batch);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async settle(batch: Array<Pending<In, Out>>): Promise<void> {
    let results: Out[];
    try {
      results = await this.run(batch.map((p) => p.item));
      if (results.length !== batch.length) throw new Error(`batch of ${batch.length} returned ${results.length} results`);
    } catch (err) {
      if (batch.length === 1) batch[0]?.reject(err);
      else for (const p of batch) await this.settle([p]);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i] as Out));
  }
}
