import { loadTopology, type Topology } from '@regsync/local-stack/local-stack';
import { describeFiveFlows } from './support/five-flows';

jest.setTimeout(90_000);

/**
 * The local topology with its municipalities hosted by two provider processes: Dresden and Leipzig in one, Osnabrück
 * and Hannover in another. Each provider has one outgoing and one delivery topic; a move from Osnabrück to Dresden
 * crosses processes, a parcel moving from Dresden to Leipzig stays in one. The provider ids are the keys of one of their
 * municipalities, whose broker principals the local broker was formatted with (a new id needs a principal made at
 * format, tools/infra/infra.mjs).
 */
const local = loadTopology();
const port = (instanceKey: string) => local.instances.find((instance) => instance.instanceKey === instanceKey)!.port;
const providers: Topology = {
  ...local,
  providers: [
    { id: '14612000', app: 'municipal-register', port: port('14612000'), authorities: ['14612000', '14713000'] },
    { id: '03404000', app: 'municipal-register', port: port('03404000'), authorities: ['03404000', '03241001'] },
  ],
};

describeFiveFlows('regsync end to end with municipalities hosted together: Dresden and Leipzig in one provider process, Osnabrück and Hannover in another', providers);
