import { loadTopology, type Topology } from '@regsync/local-stack/local-stack';
import { describeFiveFlows } from './support/five-flows';

jest.setTimeout(90_000);

/**
 * The local topology hosted as Germany runs it: one state-register process hosting both Länder (Niedersachsen and
 * Sachsen), and the municipalities on two provider processes (Dresden and Leipzig in one, Osnabrück and Hannover in
 * another). Every flow that reaches a Land — a registration, a move across Länder with its Rückmeldung, a name change, a
 * death, a parcel — then reaches it through the one state process, which applies each delivery as the Land it is
 * addressed to. The provider ids are keys whose broker principals the local broker was formatted with.
 */
const local = loadTopology();
const port = (instanceKey: string) => local.instances.find((instance) => instance.instanceKey === instanceKey)!.port;
const hosted: Topology = {
  ...local,
  providers: [
    { id: '03', app: 'state-register', port: port('03'), authorities: ['03', '14'] },
    { id: '14612000', app: 'municipal-register', port: port('14612000'), authorities: ['14612000', '14713000'] },
    { id: '03404000', app: 'municipal-register', port: port('03404000'), authorities: ['03404000', '03241001'] },
  ],
};

describeFiveFlows('regsync end to end with both Länder hosted by one state-register process, and the municipalities by two providers', hosted);
