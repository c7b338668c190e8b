import { describe, expectTypeOf, it } from 'vitest';
import type { TelegramGateway } from '../telegram/telegram.gateway.ts';
import type { BotTransport } from './bot.transport.ts';
import type { FakeBotTransport } from './testing/fake-bot-transport.ts';

// Checked by the type checker (`npx tsc`): the composition root hands the gateway to the bot as it is.
describe('BotTransport', () => {
  it('is satisfied by the Telegram gateway and by the fake', () => {
    expectTypeOf<TelegramGateway>().toExtend<BotTransport>();
    expectTypeOf<FakeBotTransport>().toExtend<BotTransport>();
  });
});
