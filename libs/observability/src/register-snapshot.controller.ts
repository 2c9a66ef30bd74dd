import { Controller, Get, Inject, Optional, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { RegisterChecksum, RegisterRow, registerChecksum } from './register-checksum';
import { REGISTER_SNAPSHOT_SOURCES, RegisterSnapshotSource } from './register-snapshot-source';
import { OpsApiKeyGuard } from './ops-api-key.guard';
import { RegsyncMetrics } from './regsync-metrics';

export interface DatasetSnapshot extends RegisterChecksum {
  dataset: string;
  register: string;
  authoritative: boolean;
  replicaScope: string | null;
}

export interface RegisterSnapshotResponse {
  generatedAt: string;
  labels: Record<string, string>;
  datasets: DatasetSnapshot[];
}

/** Per-subject checksums of this instance's registers, compared across instances by the ops dashboard. */
@ApiTags('ops')
@ApiSecurity('agency-api-key')
@Controller('ops/registers')
@UseGuards(OpsApiKeyGuard)
export class RegisterSnapshotController {
  constructor(
    @Inject(REGISTER_SNAPSHOT_SOURCES) private readonly sources: RegisterSnapshotSource[],
    private readonly metrics: RegsyncMetrics,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  @Get()
  async snapshot(): Promise<RegisterSnapshotResponse> {
    const dataSource = this.dataSource;
    if (!dataSource) throw new Error('ops/registers: register snapshot sources need the service database (ServiceDatabaseModule)');
    const datasets = await Promise.all(
      this.sources.map(async (source): Promise<DatasetSnapshot> => {
        const rows = (await dataSource.query(source.sql)) as RegisterRow[];
        return { dataset: source.dataset, register: source.register, authoritative: source.authoritative, replicaScope: source.replicaScope ?? null, ...registerChecksum(rows) };
      }),
    );
    return { generatedAt: new Date().toISOString(), labels: this.metrics.defaultLabels, datasets };
  }
}
