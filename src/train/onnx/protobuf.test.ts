import { describe, expect, it } from 'vitest'
import { ProtoWriter } from './protobuf.ts'

describe('ProtoWriter', () => {
  it('writes varints, negative int64 as ten bytes, and length-delimited fields', () => {
    expect([...new ProtoWriter().int(1, 150).finish()]).toEqual([0x08, 0x96, 0x01])
    expect([...new ProtoWriter().int(2, -1).finish()]).toEqual([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
    expect([...new ProtoWriter().string(2, 'testing').finish()]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67])
    expect([...new ProtoWriter().ints(8, [1, 2]).finish()]).toEqual([0x40, 0x01, 0x40, 0x02])
  })
})
