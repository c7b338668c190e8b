interface Flow {
  remaining: number;
  readonly resources: readonly string[];
  rate: number;
  readonly done: () => void;
}

/** setTimeout's largest delay; a longer wait just wakes up early and reschedules. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Bytes per second of a shared resource (a connection, an account); Infinity when unlimited. */
export type CapacityOf = (resource: string) => number;

/**
 * A fluid model of transfers sharing links: every transfer crosses some resources (its connection,
 * its account), and rates are max-min fair (water-filling), recomputed whenever a transfer starts
 * or ends. One timer wakes up at the next completion; nothing blocks the event loop.
 */
export class BandwidthScheduler {
  readonly #capacityOf: CapacityOf;
  readonly #flows = new Set<Flow>();
  #lastTick = performance.now();
  #timer: NodeJS.Timeout | undefined;

  constructor(capacityOf: CapacityOf) {
    this.#capacityOf = capacityOf;
  }

  /** Resolves once `bytes` have crossed every given resource at the fair rate. */
  transfer(bytes: number, resources: readonly string[]): Promise<void> {
    const limited = resources.filter((resource) => Number.isFinite(this.#capacityOf(resource)));
    if (bytes <= 0 || limited.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#advance();
      this.#flows.add({ remaining: bytes, resources: limited, rate: 0, done: resolve });
      this.#reschedule();
    });
  }

  /** Capacities changed: re-share the bandwidth among transfers in flight. */
  recompute(): void {
    this.#advance();
    for (const flow of this.#flows) {
      if (!flow.resources.some((resource) => Number.isFinite(this.#capacityOf(resource)))) {
        this.#flows.delete(flow);
        flow.done();
      }
    }
    this.#reschedule();
  }

  #advance(): void {
    const now = performance.now();
    const seconds = (now - this.#lastTick) / 1000;
    this.#lastTick = now;
    for (const flow of this.#flows) flow.remaining -= flow.rate * seconds;
    for (const flow of this.#flows) {
      // Half a byte of slack absorbs floating-point and timer rounding.
      if (flow.remaining <= 0.5) {
        this.#flows.delete(flow);
        flow.done();
      }
    }
  }

  #reschedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#flows.size === 0) return;
    const flows = [...this.#flows];
    const rates = maxMinFairRates(flows, this.#capacityOf);
    for (const [index, flow] of flows.entries()) flow.rate = rates[index]!;
    let next = Number.POSITIVE_INFINITY;
    for (const flow of this.#flows) next = Math.min(next, flow.remaining / flow.rate);
    if (!Number.isFinite(next)) return;
    this.#timer = setTimeout(
      () => {
        this.#advance();
        this.#reschedule();
      },
      Math.min(Math.max(0, next * 1000), MAX_TIMER_MS),
    );
  }
}

/**
 * Max-min fair rates (water-filling): repeatedly find the resource whose remaining capacity, split
 * among the flows still unassigned that cross it, is smallest; those flows get that share.
 */
export function maxMinFairRates(
  flows: readonly { resources: readonly string[] }[],
  capacityOf: CapacityOf,
): number[] {
  const rates = flows.map(() => 0);
  const capacity = new Map<string, number>();
  for (const flow of flows) {
    for (const resource of flow.resources) capacity.set(resource, capacityOf(resource));
  }
  const unassigned = new Set(flows.keys());
  while (unassigned.size > 0) {
    const users = new Map<string, number>();
    for (const index of unassigned) {
      for (const resource of flows[index]!.resources) users.set(resource, (users.get(resource) ?? 0) + 1);
    }
    let bottleneck: string | undefined;
    let share = Number.POSITIVE_INFINITY;
    for (const [resource, count] of users) {
      const fair = capacity.get(resource)! / count;
      if (fair < share) {
        share = fair;
        bottleneck = resource;
      }
    }
    if (bottleneck === undefined) {
      for (const index of unassigned) rates[index] = Number.POSITIVE_INFINITY;
      break;
    }
    for (const index of [...unassigned]) {
      const resources = flows[index]!.resources;
      if (!resources.includes(bottleneck)) continue;
      rates[index] = share;
      unassigned.delete(index);
      for (const resource of resources) capacity.set(resource, Math.max(0, capacity.get(resource)! - share));
    }
  }
  return rates;
}
