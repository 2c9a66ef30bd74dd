import { avroType, latestSchemas } from '@regsync/contracts/event-encoding';
import { ResidenceRegistered } from '@regsync/contracts/generated/events';

/** Confluent framing: magic byte and a 4-byte schema id in front of the Avro body. */
const CONFLUENT_HEADER_BYTES = 5;

/**
 * The same ResidenceRegistered event in regsync's wire format (Confluent-framed Avro, what (c) sends and (a) carries)
 * and as the JSON a stock NestJS Kafka client sends (b). The schema id is a placeholder: it never changes the size.
 */
export function residenceRegisteredEncoders() {
  const type = avroType(latestSchemas().get('ResidenceRegistered')!.schema);
  return {
    avro(event: ResidenceRegistered): Buffer {
      const header = Buffer.alloc(CONFLUENT_HEADER_BYTES);
      header.writeUInt32BE(1, 1);
      return Buffer.concat([header, type.toBuffer(event)]);
    },
    json(event: ResidenceRegistered): Buffer {
      return Buffer.from(JSON.stringify(event));
    },
  };
}
