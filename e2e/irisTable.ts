/**
 * Iris-like rows for the specs that upload a table: 4 features, 3 classes, a row per `i` so a
 * held-out file can be cut from the same rule.
 */
export const IRIS_KINDS = ['setosa', 'versicolor', 'virginica']

/** Row `i`'s features, to one decimal as the CSV writes them. */
export function irisFeatures (i: number): string[] {
  const k = i % 3
  return [4.5 + k + (i % 5) / 10, 3 + (i % 4) / 10, 1 + 2 * k + (i % 7) / 10, 0.2 + k * 0.8 + (i % 3) / 10].map((f) => f.toFixed(1))
}

/** Rows `from` to `to`; `withColor` adds a text column that is not a feature. */
export function irisTable (withColor: boolean, from = 0, to = 150): Buffer {
  const rows = Array.from({ length: to - from }, (_, n) => {
    const i = from + n
    return [...irisFeatures(i), ...(withColor ? [i % 2 === 0 ? 'blue' : 'white'] : []), IRIS_KINDS[i % 3]].join(',')
  })
  return Buffer.from(`sepal_length,sepal_width,petal_length,petal_width,${withColor ? 'color,' : ''}species\n${rows.join('\n')}\n`)
}
