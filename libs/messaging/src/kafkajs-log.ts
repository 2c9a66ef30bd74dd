import { Logger } from '@nestjs/common';
import { LogEntry, logCreator, logLevel } from 'kafkajs';

/**
 * kafkajs logs every error response of a request at ERROR, also those it retries itself (CONCURRENT_TRANSACTIONS after
 * each transaction commit, NOT_LEADER during a leader move). Those go to debug here; what the retries could not mend
 * reaches the caller as an exception and is logged there. Everything else keeps its level, in Nest's log format.
 */
export const kafkajsLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ namespace, level, log }: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _name, ...details } = log;
    const line = `[${namespace}] ${message}${Object.keys(details).length ? ` ${JSON.stringify(details)}` : ''}`;
    if (level === logLevel.ERROR && !isRetriedRequestError(namespace, message)) logger.error(line);
    else if (level === logLevel.ERROR || level === logLevel.DEBUG) logger.debug(line);
    else if (level === logLevel.WARN) logger.warn(line);
    else logger.log(line);
  };
};

function isRetriedRequestError(namespace: string, message: string): boolean {
  return (namespace === 'Connection' && message.startsWith('Response ')) || (namespace === 'Producer' && message.startsWith('Failed to send messages'));
}
