import type { UserId } from './ids.ts';

/** Stream categories. Category names contain no `-` so `category-id` splits unambiguously. */
export const StreamCategory = {
  library: 'library',
  playback: 'playback',
  account: 'account',
} as const;
export type StreamCategory = (typeof StreamCategory)[keyof typeof StreamCategory];

export const libraryStream = (userId: UserId): string => `${StreamCategory.library}-${userId}`;
export const playbackStream = (userId: UserId): string => `${StreamCategory.playback}-${userId}`;
export const accountStream = (userId: UserId): string => `${StreamCategory.account}-${userId}`;

export function parseStreamName(stream: string): { category: string; id: string } {
  const dash = stream.indexOf('-');
  if (dash <= 0) throw new Error(`not a category stream: ${stream}`);
  return { category: stream.slice(0, dash), id: stream.slice(dash + 1) };
}
