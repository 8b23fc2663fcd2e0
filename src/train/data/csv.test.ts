import { describe, expect, it } from 'vitest'
import { DataFormatError } from '../errors.ts'
import { parseCsv } from './csv.ts'

const iris = `sepal,petal,"kind"
5.1,1.4,setosa
7.0,4.7,versicolor
6.3,6.0,virginica
4.9,1.4,setosa
`

describe('parseCsv', () => {
  it('z-scores features and turns label values into sorted classes', () => {
    const data = parseCsv(iris, { labelColumn: 'kind' })
    expect(data.featureShape).toEqual([2])
    expect(data.classNames).toEqual(['setosa', 'versicolor', 'virginica'])
    expect([...data.labels]).toEqual([0, 1, 2, 0])
    const col0 = [0, 1, 2, 3].map((r) => data.x[r * 2] as number)
    expect(col0.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5)
    expect(Math.sqrt(col0.reduce((a, b) => a + b * b, 0) / 4)).toBeCloseTo(1, 5)
  })

  it('defaults to a "label" column, else the last; sorts numeric labels numerically; quotes and CRLF are fine', () => {
    const data = parseCsv('label,a\r\n10,1\r\n9,"2"\r\n', {})
    expect(data.classNames).toEqual(['9', '10'])
    expect([...data.labels]).toEqual([1, 0])
    expect(parseCsv('a,b,y\n1,2,x\n', {}).featureNames).toEqual(['a', 'b'])
  })

  it('scales a test file with the training file statistics and classes', () => {
    const train = parseCsv(iris)
    const test = parseCsv('sepal,petal,kind\n5.1,1.4,virginica\n', { like: train })
    expect(test.labels[0]).toBe(2)
    expect(test.x[0]).toBeCloseTo(train.x[0] as number, 6)
    expect(() => parseCsv('sepal,petal,kind\n5,1,daisy\n', { like: train, source: 'test.csv' })).toThrow('test.csv row 2: label "daisy" is not one of the training classes')
  })

  it('names the file, row and column of bad input', () => {
    const bad = (text: string): DataFormatError => {
      try {
        parseCsv(text, { source: 'data.csv' })
      } catch (error) {
        expect(error).toBeInstanceOf(DataFormatError)
        return error as DataFormatError
      }
      throw new Error('parsed')
    }
    expect(bad('a,b,label\n1,2,x\n3,oops,y\n').message).toBe('data.csv row 3: column "b" is not a number: "oops"')
    expect(bad('a,label\n1,x\n1,2,3\n').message).toBe('data.csv row 3: has 3 fields, the header has 2')
    expect(bad('a,label\n1,\n').message).toBe('data.csv row 2: empty label in column "label"')
    expect(bad('a,label\n"1,x\n').location).toBe('data.csv row 2')
    expect(bad('a,label\n').message).toBe('data.csv: has a header but no data rows')
    expect(bad('a\n1\n').location).toBe('data.csv row 1')
    expect(() => parseCsv('a,b\n1,2\n', { source: 'data.csv', labelColumn: 'y' })).toThrow('no label column "y"')
  })
})
