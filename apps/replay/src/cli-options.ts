import { Command, InvalidArgumentError, Option } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import { namespaced } from '@regsync/contracts/topics';
import { kafkaClient } from '@regsync/messaging/broker';
import { kafkaConnectionOf } from '@regsync/service-runtime/service-config';
import { ReplayConfig } from './replay-config';
import { TARGET_APP_NAMES, targetInstance } from './target-apps';

/** Parsers and helpers the commands share (commander calls the parsers with each option value). */
export function parseDateTime(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO 8601 date-time, e.g. 2026-11-01T00:00:00Z');
  return date;
}

export function parseCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return number;
}

export function parseOffset(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an offset (a whole number ≥ 0)');
  return BigInt(value);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter(Boolean)];
}

/** A topic name (`regsync.deliveries.state-register.03`), with or without the namespace → the namespaced topic. */
export function resolveTopic(name: string, namespace: string): string {
  return !namespace || name.startsWith(`${namespace}.`) ? name : namespaced(name, namespace);
}

export function kafkaOf(config: ReplayConfig): Kafka {
  return kafkaClient(kafkaConnectionOf(config), { clientId: 'regsync-replay', logLevel: logLevel.ERROR });
}

/** `--group`, or the live group of `--app`/`--instance`. */
/** What names a consumer group on the command line (`consumerGroupFrom` reads it), and `--json`. */
export interface GroupSelection {
  group?: string;
  app?: string;
  instance?: string;
  json?: boolean;
}

/** Adds the options of a `GroupSelection`; `groupWhat` says what the group is read for. */
export function withGroupSelection(command: Command, groupWhat: string): Command {
  return command
    .option('--group <group>', `${groupWhat}, e.g. regsync.state-register.14 (namespaced like topics)`)
    .addOption(new Option('--app <app>', 'or: the live group of this app …').choices(TARGET_APP_NAMES))
    .option('--instance <key>', '… and instance')
    .option('--json', 'print JSON');
}

export function consumerGroupFrom(config: ReplayConfig, options: { group?: string; app?: string; instance?: string }): string {
  if (options.group) return options.group;
  if (options.app) return targetInstance(config, options.app, options.instance).consumerGroup;
  throw new Error('give --group <consumer group> or --app <app> --instance <key>');
}

/** Prefix of the throw-away consumer groups the tool reads with (never a service's live group). */
export function readerGroupPrefix(config: ReplayConfig): string {
  return namespaced('regsync-replay', config.NAMESPACE);
}
