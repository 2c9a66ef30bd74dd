#!/usr/bin/env node
// `npm run kafka -- topics|groups|transactions|offsets [args]`: Apache Kafka's own operator tools (kafka-topics,
// kafka-consumer-groups, kafka-transactions, kafka-get-offsets) against the local broker or KAFKA_BROKERS, fetched from
// Maven Central on first use. Arguments go to the tool as they are, e.g. `npm run kafka -- groups --describe --all-groups`.
import { KAFKA_TOOLS, clusterLayout, runKafkaTool } from './infra/infra.mjs';

const [tool, ...args] = process.argv.slice(2);
if (!Object.hasOwn(KAFKA_TOOLS, tool ?? '')) {
  console.error(`usage: npm run kafka -- ${Object.keys(KAFKA_TOOLS).join('|')} [arguments of kafka-<tool>.sh]`);
  process.exit(2);
}
process.exit(runKafkaTool(tool, args, process.env.KAFKA_BROKERS ?? clusterLayout(1).bootstrap));
