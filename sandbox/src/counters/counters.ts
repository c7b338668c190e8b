export interface AccountCounters {
  rpcCalls: number;
  getFile: { calls: number; bytes: number; inFlight: number; maxInFlight: number };
  /** rpc_errors sent, by message with numbers folded (FLOOD_WAIT_X, FILE_MIGRATE_X). */
  errors: Record<string, number>;
  connections: { open: number; opened: number };
}

export interface ProtocolCounters {
  handshakes: number;
  sessionsCreated: number;
  badServerSalts: number;
  /** Calls from keys not logged in to any account. */
  anonymousCalls: number;
  /** API methods the sandbox does not implement, with how often they were called. */
  unsupportedMethods: Record<string, number>;
}

function emptyAccountCounters(): AccountCounters {
  return {
    rpcCalls: 0,
    getFile: { calls: 0, bytes: 0, inFlight: 0, maxInFlight: 0 },
    errors: {},
    connections: { open: 0, opened: 0 },
  };
}

function emptyProtocolCounters(): ProtocolCounters {
  return { handshakes: 0, sessionsCreated: 0, badServerSalts: 0, anonymousCalls: 0, unsupportedMethods: {} };
}

/** What the sandbox observed, per account and for the protocol as a whole. */
export class Counters {
  #accounts = new Map<number, AccountCounters>();
  #protocol = emptyProtocolCounters();

  get protocol(): ProtocolCounters {
    return this.#protocol;
  }

  account(accountId: number): AccountCounters {
    let counters = this.#accounts.get(accountId);
    if (!counters) {
      counters = emptyAccountCounters();
      this.#accounts.set(accountId, counters);
    }
    return counters;
  }

  call(accountId: number | undefined): void {
    if (accountId === undefined) this.#protocol.anonymousCalls++;
    else this.account(accountId).rpcCalls++;
  }

  unsupported(method: string): void {
    this.#protocol.unsupportedMethods[method] = (this.#protocol.unsupportedMethods[method] ?? 0) + 1;
  }

  error(accountId: number | undefined, message: string): void {
    if (accountId === undefined) return;
    const kind = message.replace(/_\d+$/, '_X');
    const errors = this.account(accountId).errors;
    errors[kind] = (errors[kind] ?? 0) + 1;
  }

  getFileStarted(accountId: number | undefined): void {
    if (accountId === undefined) return;
    const getFile = this.account(accountId).getFile;
    getFile.calls++;
    getFile.inFlight++;
    getFile.maxInFlight = Math.max(getFile.maxInFlight, getFile.inFlight);
  }

  getFileFinished(accountId: number | undefined, bytes: number): void {
    if (accountId === undefined) return;
    const getFile = this.account(accountId).getFile;
    getFile.inFlight--;
    getFile.bytes += bytes;
  }

  connectionOpened(accountId: number): void {
    const connections = this.account(accountId).connections;
    connections.open++;
    connections.opened++;
  }

  connectionClosed(accountId: number): void {
    this.account(accountId).connections.open--;
  }

  /** Zeroes everything except what is still true now: open connections and calls in flight. */
  reset(): void {
    for (const counters of this.#accounts.values()) {
      const { open } = counters.connections;
      const { inFlight } = counters.getFile;
      Object.assign(counters, emptyAccountCounters());
      counters.connections.open = open;
      counters.getFile.inFlight = inFlight;
      counters.getFile.maxInFlight = inFlight;
    }
    this.#protocol = emptyProtocolCounters();
  }
}
