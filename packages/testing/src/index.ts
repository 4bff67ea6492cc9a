export type { SimulatedClock, SimulatedRun } from './createSimulatedClock.js';
export { createSimulatedClock } from './createSimulatedClock.js';
export type { FakeTask, FakeTaskKind, FakeTimings } from './FakeTask.js';
export { fakeTaskStatus } from './FakeTask.js';
export { seededRandom } from './seededRandom.js';
export type {
  ExportRequest,
  FakeFaults,
  FakeMixpanel,
  FakeMixpanelOptions,
  RequestLogEntry,
} from './startFakeMixpanel.js';
export { startFakeMixpanel } from './startFakeMixpanel.js';
