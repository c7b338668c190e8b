// The sandbox Telegram's control API (docs/SANDBOX.md), mounted by the backend under /sandbox/api in
// sandbox mode only. It is not part of the Teleplay API (and not in its OpenAPI document): it stands in
// for the Telegram app, so the chat panel calls it with fetch. Only the fields the panel uses are typed.

const BASE = '/sandbox/api';

export interface SandboxUser {
  id: number;
  firstName: string;
  username: string;
}

export interface SandboxState {
  demoUser: SandboxUser;
  users: SandboxUser[];
  mainBot: SandboxUser;
}

export type SandboxButton =
  | { type: 'callback'; text: string; data: string }
  | { type: 'url'; text: string; url: string }
  | { type: 'other'; text: string };

export interface SandboxMessage {
  id: number;
  date: number;
  from: 'user' | 'bot';
  text: string;
  buttons: SandboxButton[][];
  keyboard: string[][] | null;
  media: { type: 'document' | 'photo'; fileName: string | null; mimeType: string; size: number } | null;
  editDate: number | null;
}

export interface CallbackAnswer {
  message: string | null;
  alert: boolean;
  url: string | null;
}

export class SandboxRequestError extends Error {
  override readonly name = 'SandboxRequestError';
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${BASE}/${path}`, init);
  const json = response.headers.get('content-type')?.includes('application/json');
  const body = json ? ((await response.json()) as unknown) : null;
  if (!response.ok || !json) {
    const message = (body as { message?: unknown } | null)?.message;
    throw new SandboxRequestError(
      typeof message === 'string' ? message : `the sandbox answered ${response.status}`,
    );
  }
  return body as T;
}

const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The sandbox's world, or null when this server talks to the real Telegram. */
export async function sandboxState(): Promise<SandboxState | null> {
  try {
    return await call<SandboxState>('state');
  } catch {
    return null;
  }
}

export async function createSandboxUser(firstName: string): Promise<SandboxUser> {
  return (await call<{ user: SandboxUser }>('users', postJson({ firstName }))).user;
}

export async function sandboxMessages(userId: number): Promise<SandboxMessage[]> {
  return (await call<{ messages: SandboxMessage[] }>(`users/${userId}/messages`)).messages;
}

export async function sendSandboxText(userId: number, text: string): Promise<void> {
  await call(`users/${userId}/messages`, postJson({ text }));
}

export interface MediaFacts {
  durationSeconds?: number;
  width?: number;
  height?: number;
}

export async function sendSandboxFile(
  userId: number,
  file: File,
  caption: string,
  facts: MediaFacts,
): Promise<void> {
  const form = new FormData();
  if (caption) form.set('caption', caption);
  form.set('fileName', file.name);
  if (file.type) form.set('mimeType', file.type);
  if (facts.durationSeconds !== undefined) form.set('duration', String(facts.durationSeconds));
  if (facts.width !== undefined) form.set('width', String(facts.width));
  if (facts.height !== undefined) form.set('height', String(facts.height));
  // The file goes last: the server streams it to disk as it reads the fields before it.
  form.set('file', file, file.name);
  await call(`users/${userId}/files`, { method: 'POST', body: form });
}

export async function pressSandboxButton(
  userId: number,
  messageId: number,
  data: string,
): Promise<CallbackAnswer> {
  return (await call<{ answer: CallbackAnswer }>(`users/${userId}/callbacks`, postJson({ messageId, data })))
    .answer;
}
