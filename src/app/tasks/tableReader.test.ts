import { describe, expect, it } from 'vitest'
import { keccak256 } from 'viem'
import { decodeDataset, encodeDataset } from '../../train/data/datasetBlob.ts'
import { concatDatasets } from '../../train/data/datasetBlob.ts'
import { shuffledOrder } from '../../train/data/tableColumns.ts'
import { tableReader } from './tableReader.ts'

const iris = '\uFEFFsepal,petal,"kind, of iris"\r\n5.1,1.4,setosa\r\n7.0,4.7,"versi""color"\r\n\r\n6.3,6.0,virginica\r\n4.9,1.4,setosa\r\n'

describe('tableReader', () => {
  it('reads a CSV with a BOM, CRLF line breaks, quotes and a blank line', async () => {
    const progress: number[] = []
    const { stats, quoteError } = await tableReader().read(new Blob([iris]), (p) => { progress.push(p.bytes / p.total) })
    expect(quoteError).toBeUndefined()
    expect(stats.header).toEqual(['sepal', 'petal', 'kind, of iris'])
    expect(stats.rows).toBe(4)
    expect(stats.columns.map((c) => c.kind)).toEqual(['number', 'number', 'category'])
    expect(stats.columns[2]?.values?.map((v) => v.value)).toEqual(['setosa', 'versi"color', 'virginica'])
    expect(progress.at(-1)).toBe(1)
  })

  it('keeps rows and characters whole across the slices the file is read in', async () => {
    // 2 MB of rows whose labels have two-byte characters: some row and some character straddle a slice.
    const rows = Array.from({ length: 120_000 }, (_, i) => `${i},${i % 7},é${i % 3}`)
    const { stats } = await tableReader().read(new Blob([`x,y,label\n${rows.join('\n')}\n`]), () => {})
    expect(stats.rows).toBe(120_000)
    expect(stats.ragged.count).toBe(0)
    expect(stats.columns[2]?.values?.map((v) => v.value).sort()).toEqual(['é0', 'é1', 'é2'])
    expect(stats.columns[0]).toMatchObject({ kind: 'number', numbers: 120_000 })
  })

  it('names the row of an unclosed quote', async () => {
    const { quoteError } = await tableReader().read(new Blob(['a,b\n1,2\n3,"4\n']), () => {})
    expect(quoteError?.row).toBe(3)
  })

  it('packs the table into shards whose hash is that of the whole encoded data set', async () => {
    const reader = tableReader()
    await reader.read(new Blob([iris]), () => {})
    const packed = await reader.pack({ label: 'kind, of iris', seed: 1, maxShardBytes: 130 }, () => {})
    expect(packed).toMatchObject({ count: 4, featureShape: [2], classes: 3, classNames: ['setosa', 'versi"color', 'virginica'] })
    expect(packed.shards.length).toBeGreaterThan(1)
    const whole = concatDatasets(packed.shards.map((s) => decodeDataset(s.bytes)))
    expect(keccak256(encodeDataset(whole))).toBe(packed.dataHash)
    expect([...whole.labels].sort()).toEqual([0, 0, 1, 2])
  })

  it('takes a file as the packed model\'s samples: the same bits and labels the packer stored for the same rows', async () => {
    const reader = tableReader()
    await reader.read(new Blob([iris]), () => {})
    const packed = await reader.pack({ label: 'kind, of iris', seed: 1, maxShardBytes: 1 << 20 }, () => {})
    expect(packed.description).toMatchObject({ columns: ['sepal', 'petal'], label: 'kind, of iris', classNames: packed.classNames })
    const stored = decodeDataset(packed.shards[0]!.bytes)
    const viewer = tableReader()
    await viewer.read(new Blob([iris]), () => {})
    const { x, labels } = await viewer.modelSamples(packed.description)
    const order = shuffledOrder(4, 1)
    order.forEach((row, i) => {
      expect(x.subarray(row * 2, row * 2 + 2)).toEqual(stored.x.subarray(i * 2, i * 2 + 2))
      expect(labels[row]).toBe(stored.labels[i])
    })
  })
})
