import { describe, expect, it } from 'vitest';
import { refuse } from '../commands/domain-error.ts';
import {
  authErrorText,
  formatDuration,
  formatSize,
  html,
  pathText,
  refusalText,
  texts,
} from './bot.texts.ts';

describe('formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KB'],
    [1024 * 1024, '1 MB'],
    [276_134_947, '263 MB'],
    [4.5 * 1024 ** 3, '4.5 GB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it.each([
    [7, '0:07'],
    [65, '1:05'],
    [6127, '1:42:07'],
    [59.6, '1:00'],
  ])('%d seconds is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('escapes what users typed for Telegram HTML', () => {
    expect(html('<b>Tom & Jerry</b>')).toBe('&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;');
    expect(texts.renamed('<i>x</i>')).toBe('✅ Renamed to <b>&lt;i&gt;x&lt;/i&gt;</b>.');
  });

  it('names the root', () => {
    expect(pathText([])).toBe('My files');
    expect(pathText([{ name: 'Films' }, { name: 'Action' }])).toBe('Films / Action');
  });
});

describe('refusals in plain words', () => {
  it('explains the known ones', () => {
    expect(
      refusalText(refuse('move_into_descendant', 'conflict', 'folder x cannot be moved into itself').refusal),
    ).toBe('A folder cannot go inside itself or one of its own subfolders.');
    expect(refusalText(refuse('invalid_name', 'invalid', 'a name must not be empty').refusal)).toBe(
      "That name won't work: a name must not be empty.",
    );
  });

  it('falls back to the message of an unknown one', () => {
    expect(refusalText(refuse('something_new', 'conflict', 'it went wrong').refusal)).toBe('It went wrong.');
  });

  it('explains login problems', () => {
    expect(authErrorText('login_code_expired', 'expired')).toContain('Ask the device for a new one');
    expect(authErrorText('login_codes_exhausted', 'no free login code right now')).toBe(
      'No free login code right now.',
    );
  });
});
