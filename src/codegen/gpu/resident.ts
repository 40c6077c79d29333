import type { NDArray } from '../../ir/ndarray.js';
import type { SharedVariable } from '../../ir/variable.js';
import { BackendError } from '../../util/errors.js';
import type { DeviceArray, GpuDevice } from './device.js';
import { fromDevice } from './transfer.js';

/**
 * Shared variables live on the device between calls, as Theano's GPU shared variables do: a copy per variable,
 * current while the variable's version is the one it was made at. Updates replace it without a transfer; the host
 * reads the value back only when it asks (getValue), and setValue makes the device copy stale.
 */
interface DeviceCopy {
  device: GpuDevice;
  array: DeviceArray;
  shape: readonly number[];
  version: number;
}

const copies = new WeakMap<SharedVariable, DeviceCopy>();

/** The variable's current device copy, if there is one on this device. */
export function residentCopy(v: SharedVariable, device: GpuDevice): { array: DeviceArray; shape: readonly number[] } | undefined {
  const c = copies.get(v);
  return c && c.device === device && c.version === v.version ? c : undefined;
}

/** Keeps `array` (just uploaded from the host's current value) as the variable's device copy. */
export function keepUploaded(v: SharedVariable, device: GpuDevice, array: DeviceArray, shape: readonly number[]): void {
  replace(v, { device, array, shape, version: v.version });
}

/**
 * Makes `array` (a kernel's output, now owned here) the variable's new value. On synchronous modes the host reads it
 * back when asked; webgpu has no synchronous read-back, so `hostValue` (read asynchronously at the end of the call)
 * must come with it there.
 */
export function adoptUpdate(v: SharedVariable, device: GpuDevice, array: DeviceArray, shape: readonly number[], hostValue?: NDArray): void {
  if (hostValue) {
    v.setStorage(hostValue);
    replace(v, { device, array, shape, version: v.version });
    return;
  }
  const version = v.setDeviceValue(() => {
    const values = device.download(array);
    if (values instanceof Promise)
      throw new BackendError(`shared variable ${v.describe()}: its value is on a ${device.mode} device and cannot be read synchronously`);
    return fromDevice(values, v.dtype, shape);
  });
  replace(v, { device, array, shape, version });
}

function replace(v: SharedVariable, next: DeviceCopy): void {
  const old = copies.get(v);
  if (old && old.array !== next.array) old.device.delete(old.array);
  copies.set(v, next);
}
