/** A fault waiting for the calls it applies to; each matching call consumes one of `remaining`. */
export type ArmedFault =
  | { id: number; kind: 'flood_wait'; seconds: number; accountId?: number; method: string; remaining: number }
  | { id: number; kind: 'slow'; delayMs: number; accountId?: number; method: string; remaining: number }
  | { id: number; kind: 'file_migrate'; dcId: number; accountId?: number; remaining: number };

export type FaultToArm =
  | Omit<Extract<ArmedFault, { kind: 'flood_wait' }>, 'id'>
  | Omit<Extract<ArmedFault, { kind: 'slow' }>, 'id'>
  | Omit<Extract<ArmedFault, { kind: 'file_migrate' }>, 'id'>;

/** Method names as in Telegram's schema ('upload.getFile'); '*' matches every call. */
function methodMatches(pattern: string, className: string): boolean {
  return pattern === '*' || pattern.toLowerCase() === className.toLowerCase();
}

/** Faults armed through the control API, consumed by the calls they match. */
export class FaultBook {
  readonly #armed: ArmedFault[] = [];
  #lastId = 0;

  arm(fault: FaultToArm): ArmedFault {
    const armed = { ...fault, id: ++this.#lastId } as ArmedFault;
    this.#armed.push(armed);
    return armed;
  }

  list(): ArmedFault[] {
    return this.#armed.map((fault) => ({ ...fault }));
  }

  clear(): number {
    return this.#armed.splice(0).length;
  }

  /** Seconds of FLOOD_WAIT to answer this call with, if a fault applies. */
  takeFloodWait(accountId: number | undefined, className: string): number | undefined {
    const fault = this.#take(
      (f) => f.kind === 'flood_wait' && this.#forAccount(f, accountId) && methodMatches(f.method, className),
    );
    return fault?.kind === 'flood_wait' ? fault.seconds : undefined;
  }

  /** Milliseconds this call is held back by slow faults (each matching fault adds its delay). */
  takeSlowDelay(accountId: number | undefined, className: string): number {
    let delay = 0;
    for (const fault of [...this.#armed]) {
      if (
        fault.kind !== 'slow' ||
        !this.#forAccount(fault, accountId) ||
        !methodMatches(fault.method, className)
      )
        continue;
      this.#consume(fault);
      delay += fault.delayMs;
    }
    return delay;
  }

  /** The DC a getFile served on `dcId` must be redirected to, if a fault applies. */
  takeFileMigrate(accountId: number | undefined, dcId: number): number | undefined {
    const fault = this.#take(
      (f) => f.kind === 'file_migrate' && this.#forAccount(f, accountId) && f.dcId !== dcId,
    );
    return fault?.kind === 'file_migrate' ? fault.dcId : undefined;
  }

  #forAccount(fault: ArmedFault, accountId: number | undefined): boolean {
    return fault.accountId === undefined || fault.accountId === accountId;
  }

  #take(matches: (fault: ArmedFault) => boolean): ArmedFault | undefined {
    const fault = this.#armed.find(matches);
    if (fault) this.#consume(fault);
    return fault;
  }

  #consume(fault: ArmedFault): void {
    fault.remaining--;
    if (fault.remaining <= 0) this.#armed.splice(this.#armed.indexOf(fault), 1);
  }
}
