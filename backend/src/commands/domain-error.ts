/** How a refusal maps onto HTTP: `not_found` → 404, `conflict` → 409, `invalid` → 422. */
export type RefusalKind = 'not_found' | 'conflict' | 'invalid';

/** Why a command was refused: a stable machine-readable `code` and a message for humans. */
export interface Refusal<Code extends string = string> {
  code: Code;
  kind: RefusalKind;
  message: string;
}

/** Thrown by a decider when a business rule forbids the command. */
export class DomainError<Code extends string = string> extends Error {
  override readonly name = 'DomainError';
  readonly refusal: Refusal<Code>;

  constructor(refusal: Refusal<Code>) {
    super(refusal.message);
    this.refusal = refusal;
  }
}

export function refuse<Code extends string>(
  code: Code,
  kind: RefusalKind,
  message: string,
): DomainError<Code> {
  return new DomainError({ code, kind, message });
}
