import { describe, expect, it } from 'vitest';
import { safeNext, webLoginToken } from './login-links.ts';

describe('webLoginToken', () => {
  it('takes the token from the link the bot sent', () => {
    expect(webLoginToken('http://127.0.0.1:8080/login#token=abcDEF123_-xyz0123456')).toBe(
      'abcDEF123_-xyz0123456',
    );
    expect(webLoginToken('  https://tv.example/login#token=a%2Db&x=1 ')).toBe('a-b');
  });

  it('accepts the token alone', () => {
    expect(webLoginToken('Zk3_mN8pQ2rS5tU7vW9xY1')).toBe('Zk3_mN8pQ2rS5tU7vW9xY1');
  });

  it('refuses what is neither', () => {
    expect(webLoginToken('')).toBeNull();
    expect(webLoginToken('123 456')).toBeNull();
    expect(webLoginToken('https://example.org/')).toBeNull();
  });
});

describe('safeNext', () => {
  it('keeps paths of this app', () => {
    expect(safeNext('/library/abc?kind=video')).toBe('/library/abc?kind=video');
  });

  it('never leads to another site or back to the login page', () => {
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext('/login')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
