import { describeFiveFlows } from './support/five-flows';

jest.setTimeout(90_000);

describeFiveFlows('regsync end to end: broker, database and every service as separate processes');
