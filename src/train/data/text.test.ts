import { describe, expect, it } from 'vitest'
import { buildVocabulary, decodeTokens, encodeText, textDataset, textWindows, windowTargets } from './text.ts'
import { loadCorpusFromDisk } from './corpusNode.ts'

describe('text data', () => {
  it('builds the vocabulary in code point order, one token per character (astral ones too)', () => {
    expect(buildVocabulary('banana—🐳')).toEqual(['a', 'b', 'n', '—', '🐳'])
  })

  it('encodes and decodes, and names a character outside the vocabulary with its position', () => {
    const vocabulary = buildVocabulary('abc')
    expect(decodeTokens(encodeText('cab', vocabulary), vocabulary)).toBe('cab')
    expect(() => encodeText('abxc', vocabulary, 'upload.txt')).toThrow(/upload\.txt: has "x" at character 2/)
  })

  it('cuts windows whose targets are the next characters, the label finishing the last position', () => {
    const vocabulary = buildVocabulary('abcdefghij')
    const tokens = encodeText('abcdefghij', vocabulary)
    const data = textWindows(tokens, 3, vocabulary)
    expect(data.labels.length).toBe(3)
    expect(decodeTokens(data.x, vocabulary)).toBe('abcdefghi')
    expect(decodeTokens(data.labels, vocabulary)).toBe('dgj')
    expect(decodeTokens(windowTargets(data, 3), vocabulary)).toBe('bcdefghij')
    expect(data.classNames).toEqual(vocabulary)
  })

  it('refuses a text too short for two windows', () => {
    expect(() => textDataset('abcdef', 4, 'short.txt')).toThrow(/short\.txt: has 6 characters: too few for two windows of 4/)
    expect(() => textDataset('aaaaaaaaaa', 2, 'same.txt')).toThrow(/fewer than two distinct/)
  })

  it('bundles Moby Dick: over a million characters and under a hundred distinct ones', async () => {
    const text = await loadCorpusFromDisk()
    expect(text.length).toBeGreaterThan(1_000_000)
    expect(text).toContain('Call me Ishmael.')
    const vocabulary = buildVocabulary(text)
    expect(vocabulary.length).toBeGreaterThan(60)
    expect(vocabulary.length).toBeLessThan(100)
  })
})
