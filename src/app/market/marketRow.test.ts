import { describe, expect, it } from 'vitest'
import type { Model } from '../../sdk/index.ts'
import { marketRowView } from './marketRow.ts'

const model: Model = {
  id: '3', owner: `0x${'ab'.repeat(20)}`, taskId: '2', forkedFrom: null, name: 'digits', description: '', head: '7', headAccuracyBps: 9120, headLoss: '301234',
  versionCount: 4, dataSetId: '1', createdBlock: '10', createdAt: '100', dataSet: { id: '1', name: 'MNIST', license: 'CC-BY-SA-3.0' }
}

describe('market row', () => {
  it('shows the head\'s metrics, the data set\'s licence and where the model comes from', () => {
    expect(marketRowView(model)).toEqual({ name: 'digits', owner: '0xabab…abab', accuracy: '91.2%', loss: '0.3012', data: 'MNIST, licence CC-BY-SA-3.0', lineage: 'task #2, 4 versions' })
  })

  it('says what is missing: no score yet, no citation, no licence, no name; and a fork\'s origin', () => {
    expect(marketRowView({ ...model, headAccuracyBps: 0, headLoss: '0', dataSet: null, name: '' })).toMatchObject({ name: 'Model 3', accuracy: '–', loss: '–', data: 'not cited' })
    expect(marketRowView({ ...model, dataSet: { id: '1', name: 'rows', license: '' } }).data).toBe('rows, licence not stated')
    expect(marketRowView({ ...model, taskId: null, forkedFrom: '5', versionCount: 0 }).lineage).toBe('fork of v5')
    expect(marketRowView({ ...model, forkedFrom: '5' }).lineage).toBe('task #2 from v5, 4 versions')
  })
})
