import { Admin, Kafka } from 'kafkajs';
import { Client } from 'pg';

/** The rows of one statement, on a connection of its own: a fault world's databases go down and come back, so no pool. */
export async function queryDatabase<T>(connectionString: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Runs `work` with a connected admin client of `kafka`, disconnected afterwards. */
export async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
