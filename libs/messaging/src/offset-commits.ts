/** A consumer offset to commit: the next offset the group reads of `partition`. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Commits a consumer's offsets off the apply path. The inbox makes a redelivered event a no-op, so an offset only
 * saves reading again; awaiting its commit after every chunk's database commit put a broker round trip on every
 * partition's critical path. Requests wait while one commit is out and then go in one commit request, the highest
 * offset per partition; one commit at a time keeps a partition's commits in order.
 */
export class OffsetCommits {
  private readonly pending = new Map<string, PartitionOffset>();
  private flushing?: Promise<void>;

  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    /** A failed commit is not retried: the next request commits a later offset, and a redelivery is a no-op. */
    private readonly failed: (error: unknown, offsets: PartitionOffset[]) => void,
  ) {}

  /** Commits `offset` for its partition soon (after the commit that is out, if any). */
  request(offset: PartitionOffset): void {
    const key = `${offset.topic}\u0000${offset.partition}`;
    const queued = this.pending.get(key);
    if (!queued || BigInt(offset.offset) > BigInt(queued.offset)) this.pending.set(key, offset);
    this.flushing ??= this.flush();
  }

  /** Resolves once every offset requested so far has been committed or its commit has failed. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const offsets = [...this.pending.values()];
        this.pending.clear();
        await this.commit(offsets).catch((error: unknown) => this.failed(error, offsets));
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
