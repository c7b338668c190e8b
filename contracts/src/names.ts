import { z } from 'zod';

export const NAME_MAX_LENGTH = 255;

export type NameProblem = 'empty' | 'too_long' | 'control_character' | 'slash';

// Unicode control characters: C0, DEL and C1.
const CONTROL = /\p{Cc}/u;

/** Trims a file or folder name and says what is wrong with it, if anything. */
export function checkName(raw: string): { ok: true; name: string } | { ok: false; problem: NameProblem } {
  const name = raw.trim();
  if (name.length === 0) return { ok: false, problem: 'empty' };
  if ([...name].length > NAME_MAX_LENGTH) return { ok: false, problem: 'too_long' };
  if (CONTROL.test(name)) return { ok: false, problem: 'control_character' };
  if (name.includes('/')) return { ok: false, problem: 'slash' };
  return { ok: true, name };
}

const NAME_PROBLEM_MESSAGES: Record<NameProblem, string> = {
  empty: 'a name must not be empty',
  too_long: `a name must be at most ${NAME_MAX_LENGTH} characters`,
  control_character: 'a name must not contain control characters',
  slash: 'a name must not contain "/"',
};

export function describeNameProblem(problem: NameProblem): string {
  return NAME_PROBLEM_MESSAGES[problem];
}

/** A valid, trimmed name (for HTTP and bot input). */
export const Name = z.string().transform((raw, ctx) => {
  const checked = checkName(raw);
  if (checked.ok) return checked.name;
  ctx.addIssue({ code: 'custom', message: describeNameProblem(checked.problem) });
  return z.NEVER;
});

/** Case-insensitive key for sibling uniqueness. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('en-US');
}
