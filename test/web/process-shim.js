// Injected into the web suite bundle: mocha's browser build asks `process` for a few things.
export const process = { env: {}, argv: [], platform: 'browser', browser: true, nextTick: (fn, ...args) => setTimeout(() => fn(...args), 0), on() {}, removeListener() {}, listeners: () => [], stdout: { write() {} } };
