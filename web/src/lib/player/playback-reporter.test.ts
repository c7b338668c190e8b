import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PlaybackReport, PlaybackReporter } from './playback-reporter.ts';

describe('PlaybackReporter', () => {
  let reports: PlaybackReport[];
  let reporter: PlaybackReporter;

  beforeEach(() => {
    vi.useFakeTimers();
    reports = [];
    reporter = new PlaybackReporter({ send: (report) => reports.push(report) });
  });
  afterEach(() => {
    reporter.stop();
    vi.useRealTimers();
  });

  it('reports the start once, then every 10 seconds while playing', () => {
    reporter.time(0, 3000);
    reporter.playing(0);
    reporter.time(9.5);
    vi.advanceTimersByTime(10_000);
    reporter.time(19.5);
    vi.advanceTimersByTime(10_000);
    expect(reports).toEqual([
      { event: 'start', positionSeconds: 0, durationSeconds: 3000 },
      { event: 'progress', positionSeconds: 9.5, durationSeconds: 3000, paused: false },
      { event: 'progress', positionSeconds: 19.5, durationSeconds: 3000, paused: false },
    ]);
  });

  it('reports a pause at once and nothing while paused', () => {
    reporter.playing(0);
    reporter.paused(4.2);
    vi.advanceTimersByTime(60_000);
    expect(reports.map((report) => [report.event, report.positionSeconds, report.paused])).toEqual([
      ['start', 0, undefined],
      ['progress', 4.2, true],
    ]);
  });

  it('reports seeks, with whether the player is paused', () => {
    reporter.playing(0);
    reporter.seeked(2467);
    reporter.paused(2467);
    reporter.seeked(100);
    expect(reports.slice(1).map((report) => [report.positionSeconds, report.paused])).toEqual([
      [2467, false],
      [2467, true],
      [100, true],
    ]);
  });

  it('ignores seeks before playback started (resuming at the saved position)', () => {
    reporter.seeked(2467);
    expect(reports).toEqual([]);
  });

  it('reports the stop once, and a new start when played again', () => {
    reporter.playing(0);
    reporter.time(30);
    reporter.stop();
    reporter.stop();
    vi.advanceTimersByTime(30_000);
    reporter.playing(30);
    expect(reports.map((report) => report.event)).toEqual(['start', 'stop', 'start']);
  });

  it('sends nothing when the player closes before it ever played', () => {
    reporter.time(0, 100);
    reporter.stop();
    expect(reports).toEqual([]);
  });
});
