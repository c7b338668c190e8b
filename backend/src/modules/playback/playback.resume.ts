/**
 * Jellyfin's resume rules (UserDataManager.UpdatePlayState with its default configuration), applied
 * to every playback report: under 5 % nothing to resume, over 90 % watched, and an item shorter than
 * five minutes never resumes: once past 5 % it counts as watched.
 */
export const RESUME_RULES = {
  minResumePercent: 5,
  maxResumePercent: 90,
  minResumeDurationSeconds: 300,
} as const;

export type ResumePoint =
  | { kind: 'not_started' }
  | { kind: 'resumable'; atSeconds: number }
  | { kind: 'played' };

export function classifyPosition(positionSeconds: number, durationSeconds: number): ResumePoint {
  const percent = (positionSeconds / durationSeconds) * 100;
  if (percent < RESUME_RULES.minResumePercent) return { kind: 'not_started' };
  if (percent > RESUME_RULES.maxResumePercent) return { kind: 'played' };
  if (durationSeconds < RESUME_RULES.minResumeDurationSeconds) return { kind: 'played' };
  return { kind: 'resumable', atSeconds: positionSeconds };
}
