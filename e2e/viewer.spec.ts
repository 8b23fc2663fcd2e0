/**
 * The viewer of a model trained on an uploaded table: a volunteer trains one round of a task
 * created from a CSV in the wizard; on the round's version, once proposed, values are entered per column in the
 * table's own units and the answer is a class name; the task's own held-out rows, written back
 * out as a CSV (columns in another order), are read in the table worker and scored, and the
 * accuracy is the one the aggregator recorded on chain (so the viewer scaled and labelled them as
 * the packer did), with a confusion matrix; a file with a missing column, an unknown label or a
 * cell that is not a number is refused, naming the column or the row. Screenshots go to
 * MLBRIDGE_SCREENSHOTS or the test's output folder.
 */
import { join } from 'node:path'
import { cancelTask, listModelVersions, readTask, readVersion } from '../src/chain/actions/index.ts'
import { UPLOAD_ORDER_SEED } from '../src/app/tasks/uploadPrep.ts'
import { heldOutCount } from '../src/provider/uploadedData.ts'
import { shuffledOrder } from '../src/train/data/tableColumns.ts'
import { expectAccessible } from './axe.ts'
import { devContext } from './devAccounts.ts'
import { expect, test } from './fixtures.ts'
import { IRIS_KINDS, irisFeatures, irisTable } from './irisTable.ts'
import { connect, openRoute, submitWizard, volunteer } from './volunteer.ts'

const CREATOR = 6
const VOLUNTEER = 8
const ROWS = 150
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']

/** The uploaded rows the task holds out (the tail of the packed order), with the label first and the features reversed. */
function heldOutRows (holdoutFraction: number): { csv: Buffer, rows: number[] } {
  const order = shuffledOrder(ROWS, UPLOAD_ORDER_SEED)
  const rows = [...order.subarray(ROWS - heldOutCount(ROWS, holdoutFraction))]
  const lines = rows.map((i) => [IRIS_KINDS[i % 3], ...irisFeatures(i).reverse()].join(','))
  return { csv: Buffer.from(`species,${[...COLUMNS].reverse().join(',')}\n${lines.join('\n')}\n`), rows }
}

test('@ux the viewer of a trained table model takes values in the table\'s units, answers with class names and scores a held-out CSV', async ({ openPeerPage, read, stack }, testInfo) => {
  test.setTimeout(8 * 60_000)
  const trainer = await openPeerPage()
  await volunteer(trainer, VOLUNTEER)
  const page = await openPeerPage()
  await connect(page, CREATOR)
  await page.getByTestId('nav-tasks').click()
  await page.getByTestId('create-task').click()
  await page.getByTestId('wizard-dataset').selectOption('csv')
  await page.getByTestId('wizard-csv-file').setInputFiles({ name: 'iris.csv', mimeType: 'text/csv', buffer: irisTable(false) })
  await expect(page.getByTestId('wizard-csv-summary')).toHaveAttribute('data-rows', '150')
  await expect(page.getByTestId('wizard-csv-label')).toHaveValue('species')
  await page.getByTestId('wizard-data-license').fill('CC0-1.0')
  const heldOut = heldOutRows(Number(await page.getByTestId('wizard-holdout').inputValue()))
  const taskId = await submitWizard(page, { name: 'Iris viewer', rounds: 1, shards: 1, replication: 1, reward: '1', joinWindow: 40 })
  try {
    // The round's version as proposed, with the held-out accuracy the aggregator signed: the viewer
    // needs its weights and that figure, not its finality (a lone provider waits for other signers).
    const { modelId } = await readTask(read, { taskId })
    const proposed = async (): Promise<bigint | undefined> => (await listModelVersions(read, { modelId }))[1]
    await expect.poll(proposed, { timeout: 4 * 60_000, intervals: [2000] }).toBeDefined()
    await trainer.getByTestId('contribute-toggle').uncheck()
    const versionId = (await proposed())!
    const { accuracyBps, loss, round } = await readVersion(read, { versionId })
    expect(round).toBe(0n)
    await openRoute(page, `#/versions/${versionId}`)
    const viewer = page.getByTestId('viewer')
    await expect(viewer).toBeVisible({ timeout: 60_000 })

    // One labelled field per column, in the table's own units.
    const fields = viewer.getByRole('group', { name: /One row, in the units of the uploaded table/ })
    await expect(fields.getByRole('textbox')).toHaveCount(4, { timeout: 60_000 })
    // a virginica row of the upload
    const values = irisFeatures(2)
    for (const [i, name] of COLUMNS.entries()) await fields.getByLabel(name, { exact: true }).fill(values[i]!)
    await fields.getByLabel('petal_width', { exact: true }).fill('wide')
    await viewer.getByTestId('viewer-predict').click()
    await expect(viewer.getByTestId('viewer-problem')).toHaveText('"petal_width" is not a number ("wide")')
    await fields.getByLabel('petal_width', { exact: true }).fill(values[3]!)
    await viewer.getByTestId('viewer-predict').click()
    const prediction = viewer.getByTestId('viewer-prediction')
    await expect(prediction).toHaveText('virginica')
    await expect(prediction).toHaveAttribute('data-class', '2')
    await expect(viewer.getByTestId('viewer-probabilities').locator('li')).toHaveCount(3)
    await expect(viewer.getByTestId('viewer-problem')).toHaveCount(0)

    // The task's held-out rows: the accuracy the aggregator recorded, and a confusion matrix with the class names.
    const file = viewer.getByTestId('viewer-heldout-file')
    await file.setInputFiles({ name: 'iris-heldout.csv', mimeType: 'text/csv', buffer: heldOut.csv })
    const accuracy = viewer.getByTestId('viewer-heldout-accuracy')
    await expect(accuracy).toHaveAttribute('data-accuracy', /\d/, { timeout: 60_000 })
    const matrix = viewer.getByRole('table', { name: /Confusion matrix/ })
    await expect(matrix.getByRole('columnheader')).toHaveText(['species \\ predicted', ...IRIS_KINDS])
    await expect(matrix.getByRole('rowheader')).toHaveText(IRIS_KINDS)
    const counts = await Promise.all(IRIS_KINDS.map(async (_, r) => (await matrix.locator('tbody tr').nth(r).locator('td').allTextContents()).map(Number)))
    // every row of the file counted once, under its own label
    expect(counts.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(IRIS_KINDS.map((_, k) => heldOut.rows.filter((i) => i % 3 === k).length))
    const shown = Number(await accuracy.getAttribute('data-accuracy'))
    expect(shown).toBeCloseTo((counts[0]![0]! + counts[1]![1]! + counts[2]![2]!) / heldOut.rows.length, 10)
    expect(shown).toBeCloseTo(accuracyBps / 10_000, 4)
    // the loss too, which any difference in scaling would move (the chain keeps it in millionths)
    const shownLoss = Number(await accuracy.getAttribute('data-loss'))
    expect(Math.abs(shownLoss - Number(loss) / 1e6)).toBeLessThanOrEqual(1e-6)
    console.log(`viewer: version ${versionId} of task ${taskId}, held-out accuracy ${shown}, loss ${shownLoss} (on chain ${accuracyBps} bps, ${loss} millionths), confusion ${JSON.stringify(counts)}`)
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
    // a task left joining or running must not take the volunteers of the specs that follow
    const { status } = await readTask(read, { taskId })
    if (status === 'Joining' || status === 'Running') await cancelTask(devContext(stack, CREATOR), { taskId })
  }
})
