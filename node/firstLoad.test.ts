import { describe, expect, it } from 'vitest'
import { firstLoadFiles } from './firstLoad.ts'

describe('first load', () => {
  it('is the entry, its static imports and their styles, never lazy chunks', () => {
    const files = firstLoadFiles({
      'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_react.js'], dynamicImports: ['_tfjs.js'], css: ['assets/index.css'] },
      '_react.js': { file: 'assets/react.js', imports: ['_runtime.js'] },
      '_runtime.js': { file: 'assets/runtime.js', imports: ['_react.js'] },
      '_tfjs.js': { file: 'assets/tfjs.js', imports: ['_runtime.js'], css: ['assets/tfjs.css'] }
    })
    expect(files.sort()).toEqual(['assets/index.css', 'assets/index.js', 'assets/react.js', 'assets/runtime.js'])
  })
})
