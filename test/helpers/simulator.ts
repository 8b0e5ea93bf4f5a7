/** The local Legnext simulator (tools/simulator/, plain JavaScript), typed for TypeScript tests. */
import * as simulatorModule from '../../tools/simulator';

export const createSimulator = simulatorModule.createSimulator;
export type Simulator = Awaited<ReturnType<typeof simulatorModule.createSimulator>>;
