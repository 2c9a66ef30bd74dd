import { Logger } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { kafkajsLogCreator } from './kafkajs-log';

describe('kafkajsLogCreator', () => {
  const levels = ['error', 'warn', 'log', 'debug'] as const;
  let calls: Record<(typeof levels)[number], string[]>;

  beforeEach(() => {
    calls = { error: [], warn: [], log: [], debug: [] };
    for (const level of levels) jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void calls[level].push(String(args[0])));
  });
  afterEach(() => jest.restoreAllMocks());

  const write = (namespace: string, level: logLevel, message: string, details: Record<string, unknown> = {}) =>
    kafkajsLogCreator(logLevel.WARN)({ namespace, level, label: 'ERROR', log: { timestamp: '2026-11-25T00:00:00Z', logger: 'kafkajs', message, ...details } });

  it('sends error responses that kafkajs retries itself to debug', () => {
    write('Connection', logLevel.ERROR, 'Response AddPartitionsToTxn(key: 24, version: 1)', { error: 'CONCURRENT_TRANSACTIONS' });
    write('Producer', logLevel.ERROR, 'Failed to send messages: NOT_LEADER_OR_FOLLOWER', { retryCount: 0 });
    expect(calls.error).toEqual([]);
    expect(calls.debug).toEqual([
      '[Connection] Response AddPartitionsToTxn(key: 24, version: 1) {"error":"CONCURRENT_TRANSACTIONS"}',
      '[Producer] Failed to send messages: NOT_LEADER_OR_FOLLOWER {"retryCount":0}',
    ]);
  });

  it('keeps other errors and warnings at their level, with their details', () => {
    write('Connection', logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:29094', { broker: '127.0.0.1:29094' });
    write('Consumer', logLevel.WARN, 'Restarting the consumer');
    write('Consumer', logLevel.INFO, 'Starting');
    expect(calls.error).toEqual(['[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:29094 {"broker":"127.0.0.1:29094"}']);
    expect(calls.warn).toEqual(['[Consumer] Restarting the consumer']);
    expect(calls.log).toEqual(['[Consumer] Starting']);
  });
});
