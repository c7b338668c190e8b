/** The one-time token in what the bot's `/web` command sent: the whole link, or the token alone. */
export function webLoginToken(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  const fragment = /#(?:.*&)?token=([^&\s]+)/.exec(text);
  if (fragment) return decodeURIComponent(fragment[1]!);
  if (/^[A-Za-z0-9_-]{16,}$/.test(text)) return text;
  return null;
}

/** Where to go after signing in: a path of this app only (never another site). */
export function safeNext(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/';
  return next;
}
