export type { FsStoreOptions } from './fs-store.js'
export { fsStore } from './fs-store.js'
