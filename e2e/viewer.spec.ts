/**
 * The viewer of a model trained on an uploaded table: values are entered per column in the
 * table's own units and the answer is a class name; a held-out CSV (columns in another order) is
 * read in the table worker and scored, with its accuracy and confusion matrix; a file with a
 * missing column or an unknown label is refused, naming the column or the row. The version is
 * the task's genesis version, as the wizard published it: a real model of the task's spec, with
 * no round to wait for. Screenshots go to MLBRIDGE_SCREENSHOTS or the test's output folder.
 */
import { join } from 'node:path'
import { cancelTask, readModel, readTask } from '../src/chain/actions/index.ts'
import { expectAccessible } from './axe.ts'
import { devContext } from './devAccounts.ts'
import { expect, test } from './fixtures.ts'
import { IRIS_KINDS, irisFeatures, irisTable } from './irisTable.ts'
import { connect, openRoute, submitWizard } from './volunteer.ts'

const CREATOR = 6
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']

/** Rows 150 to 179 of the same rule as the upload, with the label first and the features reversed. */
function heldOut (): Buffer {
  const rows = Array.from({ length: 30 }, (_, n) => [IRIS_KINDS[(150 + n) % 3], ...irisFeatures(150 + n).reverse()].join(','))
  return Buffer.from(`species,${[...COLUMNS].reverse().join(',')}\n${rows.join('\n')}\n`)
}

test('@ux the viewer of a table model takes values in the table\'s units, answers with class names and scores a held-out CSV', async ({ peerPage: page, read, stack }, testInfo) => {
  test.setTimeout(4 * 60_000)
  await connect(page, CREATOR)
  await page.getByTestId('nav-tasks').click()
  await page.getByTestId('create-task').click()
  await page.getByTestId('wizard-dataset').selectOption('csv')
  await page.getByTestId('wizard-csv-file').setInputFiles({ name: 'iris.csv', mimeType: 'text/csv', buffer: irisTable(false) })
  await expect(page.getByTestId('wizard-csv-summary')).toHaveAttribute('data-rows', '150')
  await expect(page.getByTestId('wizard-csv-label')).toHaveValue('species')
  await page.getByTestId('wizard-data-license').fill('CC0-1.0')
  const taskId = await submitWizard(page, { name: 'Iris viewer', rounds: 1, shards: 1, replication: 1, reward: '1', joinWindow: 600 })
  try {
    const { modelId } = await readTask(read, { taskId })
    const { head } = await readModel(read, { modelId })
    await openRoute(page, `#/versions/${head}`)
    const viewer = page.getByTestId('viewer')
    await expect(viewer).toBeVisible({ timeout: 60_000 })

    // One labelled field per column, in the table's own units.
    const fields = viewer.getByRole('group', { name: /One row, in the units of the uploaded table/ })
    await expect(fields.getByRole('textbox')).toHaveCount(4, { timeout: 60_000 })
    const values = ['6.3', '2.9', '5.6', '1.8']
    for (const [i, name] of COLUMNS.entries()) await fields.getByLabel(name, { exact: true }).fill(values[i]!)
    await fields.getByLabel('petal_width', { exact: true }).fill('wide')
    await viewer.getByTestId('viewer-predict').click()
    await expect(viewer.getByTestId('viewer-problem')).toHaveText('"petal_width" is not a number ("wide")')
    await fields.getByLabel('petal_width', { exact: true }).fill(values[3]!)
    await viewer.getByTestId('viewer-predict').click()
    const prediction = viewer.getByTestId('viewer-prediction')
    await expect(prediction).toHaveText(new RegExp(`^(${IRIS_KINDS.join('|')})$`))
    expect(await prediction.textContent()).toBe(IRIS_KINDS[Number(await prediction.getAttribute('data-class'))])
    await expect(viewer.getByTestId('viewer-probabilities').locator('li')).toHaveCount(3)
    await expect(viewer.getByTestId('viewer-problem')).toHaveCount(0)

    // A held-out file: accuracy and a confusion matrix over its 30 rows, with the class names.
    const file = viewer.getByTestId('viewer-heldout-file')
    await file.setInputFiles({ name: 'iris-heldout.csv', mimeType: 'text/csv', buffer: heldOut() })
    const accuracy = viewer.getByTestId('viewer-heldout-accuracy')
    await expect(accuracy).toHaveAttribute('data-accuracy', /\d/, { timeout: 60_000 })
    const matrix = viewer.getByRole('table', { name: /Confusion matrix/ })
    await expect(matrix.getByRole('columnheader')).toHaveText(['species \\ predicted', ...IRIS_KINDS])
    await expect(matrix.getByRole('rowheader')).toHaveText(IRIS_KINDS)
    const counts = await Promise.all(IRIS_KINDS.map(async (_, r) => (await matrix.locator('tbody tr').nth(r).locator('td').allTextContents()).map(Number)))
    // every row of the file counted once, under its own label (10 of each)
    expect(counts.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([10, 10, 10])
    expect(Number(await accuracy.getAttribute('data-accuracy'))).toBeCloseTo((counts[0]![0]! + counts[1]![1]! + counts[2]![2]!) / 30, 10)
    await expectAccessible(page, 'the viewer of a table model with a held-out file scored')
    await page.screenshot({ path: process.env.MLBRIDGE_SCREENSHOTS === undefined ? testInfo.outputPath('tabular-viewer.png') : join(process.env.MLBRIDGE_SCREENSHOTS, 'tabular-viewer.png'), fullPage: true })

    // Files the model cannot take: named problems, no scores.
    const problem = viewer.getByTestId('viewer-heldout-problem')
    await file.setInputFiles({ name: 'no-petals.csv', mimeType: 'text/csv', buffer: Buffer.from('sepal_length,sepal_width,species\n5.1,3.5,setosa\n') })
    await expect(problem).toHaveText('no-petals.csv: the file: has no column "petal_length", "petal_width"; the model takes "sepal_length", "sepal_width", "petal_length", "petal_width" with the label in "species"')
    await expect(matrix).toHaveCount(0)
    await file.setInputFiles({ name: 'roses.csv', mimeType: 'text/csv', buffer: Buffer.from(`${COLUMNS.join(',')},species\n5.1,3.5,1.4,0.2,setosa\n5.0,3.0,1.0,0.1,rose\n`) })
    await expect(problem).toHaveText('roses.csv: row 3: the label "rose" is not one of the model\'s classes (setosa, versicolor, virginica)')
    await file.setInputFiles({ name: 'typo.csv', mimeType: 'text/csv', buffer: Buffer.from(`${COLUMNS.join(',')},species\n5.1,3.5,1.4,0.2,setosa\n5.0,3.O,1.0,0.1,setosa\n`) })
    await expect(problem).toHaveText('typo.csv: row 3, column "sepal_width": "3.O" is not a number')
  } finally {
    // the task was only there to be looked at: the volunteers of the specs that follow must not join it
    await cancelTask(devContext(stack, CREATOR), { taskId })
  }
})
