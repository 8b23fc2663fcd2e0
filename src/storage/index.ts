import { createBlobStore, type BlobStore, type BlobStoreInit } from './blobs.ts'
import { storeDataset, type UploadDatasetOptions, type UploadedDataset } from './dataset.ts'
import { createManifestStore, type ManifestStore } from './manifest.ts'

export interface Storage {
  blobs: BlobStore
  manifests: ManifestStore
  storeDataset: (opts: UploadDatasetOptions) => Promise<UploadedDataset>
}

/**
 * Content-addressed storage over any block access: pass `helia.blockstore` and `helia.pins`
 * (IndexedDB in a browser, disk on the pinner) and missing blocks come from peers by bitswap.
 */
export function createStorage (init: BlobStoreInit): Storage {
  const blobs = createBlobStore(init)
  const manifests = createManifestStore(init, blobs.limits)
  return { blobs, manifests, storeDataset: async (opts) => await storeDataset(blobs, manifests, opts) }
}

export { createBlobStore, decodeBlobRoot, parseBlobRoot, chunkLength, pinOf, BLOB_ROOT_TAG, MAX_ROOT_BYTES, type BlobRoot, type BlobStore, type BlobStoreInit, type BlobInfo, type BlobOptions, type BlobProgress, type BlockAccess, type GetBlobOptions, type PinAccess, type PutBlobOptions } from './blobs.ts'
export { createManifestStore, datasetManifestSchema, MANIFEST_TAG, type DatasetManifest, type ManifestStore } from './manifest.ts'
export { splitLines, storeDataset, type ShardInput, type UploadDatasetOptions, type UploadedDataset } from './dataset.ts'
export { DEFAULT_CHUNK_SIZE, DEFAULT_LIMITS, MAX_EVIDENCE_BYTES, type ArtifactLimits } from './limits.ts'
export { StorageError, BlobTooLargeError, CidMismatchError, DagTooLargeError, InvalidArtifactError } from './errors.ts'
export { fetchArtifactDag, type FetchDagOptions, type FetchedDag } from './fetchDag.ts'
export { rawCid, toCid, verifyBlock } from './cid.ts'
export { CarFormatError, GatewayError } from './errors.ts'
export { encodeCarBlock, encodeCarHeader, readCar, type CarBlock, type CarReader } from './car.ts'
export { fetchBlobFromGateway, fetchCarBlocks, gatewayBaseUrl, gatewayBlocks, CAR_MEDIA_TYPE, RAW_MEDIA_TYPE, MAX_GATEWAY_BLOCK_BYTES, type GatewayBlobOptions, type GatewayClientInit } from './gateway.ts'
