// One role (producer or consumer) of one measured run, in its own process so its peak memory is its own.
import 'reflect-metadata';
import { BenchSpec, RoleReport } from './bench-spec';
import { runKafkaProducer } from './kafka-producer';
import { runNestKafkaConsumer } from './nest-kafka-consumer';
import { runRawKafkaConsumer } from './raw-kafka-consumer';
import { runRegsyncConsumer } from './regsync-consumer';
import { runRegsyncProducer } from './regsync-producer';

const roles: Record<BenchSpec['pipeline'], Record<BenchSpec['role'], (spec: BenchSpec) => Promise<RoleReport>>> = {
  raw: { producer: runKafkaProducer, consumer: runRawKafkaConsumer },
  'raw-transactional': { producer: runKafkaProducer, consumer: runRawKafkaConsumer },
  naive: { producer: runKafkaProducer, consumer: runNestKafkaConsumer },
  regsync: { producer: runRegsyncProducer, consumer: runRegsyncConsumer },
};

const spec = JSON.parse(process.argv[2]) as BenchSpec;
// Orphaned by an interrupted bench: stop instead of running on.
process.once('disconnect', () => process.exit(0));
roles[spec.pipeline][spec.role](spec).then(
  (report) => process.send!(report, () => process.exit(0)),
  (error) => {
    console.error(`bench ${spec.pipeline} ${spec.role}:`, error);
    process.exit(1);
  },
);
