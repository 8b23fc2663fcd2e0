/** How the market shows one model: pure formatting of what the API answers. */
import type { Model } from '../../sdk/index.ts'
import { formatBps, formatLoss } from '../models/format.ts'
import { shortAddress } from '../tasks/taskRow.ts'

export interface MarketRowView {
  name: string
  owner: string
  /** the head version's validation accuracy; "–" before any version is scored */
  accuracy: string
  loss: string
  /** the data set's name and licence, as registered; "not cited" when the task cites none */
  data: string
  /** where the model comes from: its task, or the version it was forked from */
  lineage: string
}

export function marketRowView (model: Model): MarketRowView {
  const scored = model.headAccuracyBps !== null && !(model.headAccuracyBps === 0 && model.headLoss === '0')
  const licence = model.dataSet === null ? '' : model.dataSet.license === '' ? ', licence not stated' : `, licence ${model.dataSet.license}`
  return {
    name: model.name === '' ? `Model ${model.id}` : model.name,
    owner: shortAddress(model.owner),
    accuracy: scored ? formatBps(model.headAccuracyBps ?? 0) : '–',
    loss: scored && model.headLoss !== null ? formatLoss(BigInt(model.headLoss)) : '–',
    data: model.dataSet === null ? 'not cited' : `${model.dataSet.name}${licence}`,
    lineage: lineageOf(model)
  }
}

function lineageOf (model: Model): string {
  if (model.taskId === null) return `fork of v${model.forkedFrom ?? '?'}`
  const versions = `${model.versionCount} version${model.versionCount === 1 ? '' : 's'}`
  return model.forkedFrom === null ? `task #${model.taskId}, ${versions}` : `task #${model.taskId} from v${model.forkedFrom}, ${versions}`
}
