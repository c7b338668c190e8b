export {
  type ContractOptions,
  collectUntil,
  describeEventStoreContract,
  type EventStoreFixture,
  newEvent,
} from './contract.ts';
