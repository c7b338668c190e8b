import { describeEventStoreContract } from '../testing/contract.ts';
import { createInMemoryEventStore } from './memory-event-store.ts';

describeEventStoreContract('in-memory', async () => {
  const store = createInMemoryEventStore();
  return { store, dispose: () => store.close() };
});
