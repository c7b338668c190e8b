import { describe, expect, it } from 'vitest';
import { parseCommand } from './bot.commands.ts';

describe('parseCommand', () => {
  it.each([
    ['/start', { name: 'start', args: '' }],
    ['/start login-123456', { name: 'start', args: 'login-123456' }],
    ['/Search  holiday in Rome ', { name: 'search', args: 'holiday in Rome' }],
    ['/help@teleplay_bot', { name: 'help', args: '' }],
    ['/newfolder@teleplay_bot Films', { name: 'newfolder', args: 'Films' }],
    ['/newfolder Two\nlines', { name: 'newfolder', args: 'Two\nlines' }],
  ])('reads %j', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each(['hello', '', ' / start', '/', '/-x', 'a /start'])('does not take %j for a command', (text) => {
    expect(parseCommand(text)).toBeNull();
  });
});
