/** The local Legnext simulator (simulator/, plain JavaScript), typed for TypeScript tests. */
import * as simulatorModule from '../../simulator';

export const createSimulator = simulatorModule.createSimulator;
export type Simulator = Awaited<ReturnType<typeof simulatorModule.createSimulator>>;
