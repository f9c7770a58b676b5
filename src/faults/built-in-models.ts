import type { FailureModel } from './failure-model.js';
import { byzantineModel } from './models/byzantine.js';
import { clockDriftModel, clockJumpModel, clockSkewModel } from './models/clock-fault.js';
import { crashModel, pauseModel } from './models/crash.js';
import { degradationModels } from './models/degradation/kinds.js';
import { diskFullModel, diskUnsyncedLossModel, diskWriteFailModel } from './models/disk.js';
import { linkFaultModel, slowNodeModel } from './models/link-fault.js';
import { omissionModel } from './models/omission.js';
import { bridgeModel, isolateModel, oneWayPartitionModel, partitionModel } from './models/partition.js';
import { capacityModel, trafficSpikeModel } from './models/resource.js';

/**
 * Every built-in failure model, registered in each new simulation.
 *
 * @example
 * ```ts
 * builtInFailureModels.map((model) => model.kind); // ['crash', 'pause', 'omission', 'partition', …]
 * ```
 */
export const builtInFailureModels: readonly FailureModel[] = [
  crashModel,
  pauseModel,
  omissionModel,
  partitionModel,
  oneWayPartitionModel,
  isolateModel,
  bridgeModel,
  linkFaultModel,
  slowNodeModel,
  byzantineModel,
  capacityModel,
  trafficSpikeModel,
  clockSkewModel,
  clockDriftModel,
  clockJumpModel,
  diskUnsyncedLossModel,
  diskWriteFailModel,
  diskFullModel,
  ...degradationModels,
];
