// Helpers for driving the real `tauriBackend` through `mockIPC`.
//
// In `mockIPC` the command's args arrive unserialized, so `args.onProgress` is the very `Channel` the UI
// created. The Rust side delivers channel messages by calling the channel's callback id with
// `{index, message}`; `channelSender` does the same through the mocked internals, exercising the Channel's
// own ordering logic rather than poking its `onmessage`.
interface TauriInternals {
  runCallback(id: number, data: unknown): void;
}

export function channelSender<T>(channelArg: unknown): (message: T) => void {
  const id = (channelArg as { id: number }).id;
  if (typeof id !== 'number') throw new Error('expected a Channel in the onProgress argument');
  const internals = (window as unknown as { __TAURI_INTERNALS__: TauriInternals }).__TAURI_INTERNALS__;
  let index = 0;
  return (message: T) => internals.runCallback(id, { index: index++, message });
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
