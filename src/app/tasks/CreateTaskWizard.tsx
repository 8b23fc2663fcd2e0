import { useQueryClient } from '@tanstack/react-query'
import { startTransition, useEffect, useMemo, useRef, useState } from 'react'
import { formatUnits } from 'viem'
import { citeDataSet, createTask, ensureDataSet, taskBudget, type WriteContext } from '../../chain/actions/index.ts'
import { explainError } from '../../chain/explainError.ts'
import { RESULT_FEE } from '../../core/taskLimits.ts'
import { TxStatus } from '../components/TxStatus.tsx'
import { useTokenBalance } from '../hooks/useTokenBalance.ts'
import { useTransactor } from '../hooks/useTransactor.ts'
import { useNetworkConfig } from '../NetworkContext.ts'
import { Link } from '../router.tsx'
import { prepareTask, type PreparedTask } from './publishTask.ts'
import { TRANSFORMER_PRESETS, type TaskSpec } from '../../core/taskSpec.ts'
import { useContinuedVersion, type ContinuedState } from './useContinuedVersion.ts'
import { budgetParams, buildSpec, chainSettings, continuedForm, DATA_NAMES, DEFAULT_FORM, defaultTaskName, formNumber, TaskFormError, TEXT_SOURCES, textDefaults, type DataShape, type DataSource, type DeltaEncoding, type TaskForm, type TemplateChoice, type TransformerPreset } from './taskForm.ts'
import { IMAGE_SHAPE, loadWizardData, MNIST_SHAPE } from './wizardData.ts'
import { autoSettings, type AutoSettings } from './autoSettings.ts'
import { defaultLabelColumn, summarizeTable, type TableSummary } from './tableSummary.ts'
import { TableSummaryView } from './TableSummaryView.tsx'
import { useCsvTable, useReadProgress, type ReadProgressStore } from './useCsvTable.ts'
import type { ModelSpec } from '../../core/taskSpec.ts'
import { heldOutCount } from '../../provider/uploadedData.ts'

type NumberFieldName = Exclude<keyof TaskForm, 'dataset' | 'template' | 'transformerPreset' | 'optimizer' | 'csvLabel' | 'layersJson' | 'deltaEncoding'>

/** Where a problem is shown: a form field, or the CSV file input. */
type FieldKey = keyof TaskForm | 'csvFile'
type FieldErrors = Partial<Record<FieldKey, string[]>>

interface FieldProps {
  form: TaskForm
  onChange: (patch: Partial<TaskForm>) => void
  field: NumberFieldName
  label: string
  testId: string
  step?: string
  errors?: string[] | undefined
  /** one line under the input: why its value was chosen */
  hint?: React.ReactNode
}

function NumberField ({ form, onChange, field, label, testId, step, errors, hint }: FieldProps): React.JSX.Element {
  return (
    <label className="wizard-field">
      <span>{label}</span>
      <input type="number" data-testid={testId} value={form[field]} step={step ?? '1'} onChange={(e) => { onChange({ [field]: e.target.value }) }} {...invalid(testId, errors)} />
      {hint}
      <ProblemList testId={testId} errors={errors} />
    </label>
  )
}

/** An input's link to its problems, for screen readers. */
function invalid (testId: string, errors: string[] | undefined): { 'aria-invalid'?: true, 'aria-describedby'?: string } {
  return errors === undefined || errors.length === 0 ? {} : { 'aria-invalid': true, 'aria-describedby': `${testId}-error` }
}

/** The problems of one input, shown right under it. */
function ProblemList ({ testId, errors }: { testId: string, errors: string[] | undefined }): React.JSX.Element | null {
  if (errors === undefined || errors.length === 0) return null
  return (
    <ul className="error field-errors" id={`${testId}-error`} data-testid={`${testId}-error`}>
      {errors.map((e) => <li key={e}>{e}</li>)}
    </ul>
  )
}

/** The reading of a CSV file, as far as it has gone. */
function Reading ({ store, name }: { store: ReadProgressStore, name: string }): React.JSX.Element {
  const { bytes, total } = useReadProgress(store)
  return (
    <small className="pending" data-testid="wizard-csv-reading">
      Reading {name}: {megabytes(bytes)} of {megabytes(total)}
      <progress value={bytes} max={Math.max(1, total)} aria-label="Reading the CSV file" />
    </small>
  )
}

type Publish = { status: 'idle' } | { status: 'running' | 'done' | 'failed', text: string, done?: number }

/** The settings chosen from the size of the data until the creator sets them. */
const AUTO_FIELDS = ['holdoutFraction', 'samplesPerShard'] as const
type AutoField = typeof AUTO_FIELDS[number]

/** The settings under Advanced: a problem in one opens it. */
const ADVANCED: ReadonlyArray<keyof TaskForm> = ['commitWindow', 'revealWindow', 'aggregateWindow', 'challengeWindow', 'confirmations', 'learningRate', 'localSteps', 'batchSize']

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`

/**
 * The shape a read table gives the spec, once its label column is usable and nothing is wrong with
 * it. A held-out share out of bounds counts no rows out here: the spec's own check then names it.
 */
function tableShape (summary: TableSummary | undefined, fileName: string, form: TaskForm): DataShape | undefined {
  if (summary?.label === undefined || summary.problems.length > 0) return undefined
  const holdout = Number(form.holdoutFraction)
  const held = holdout > 0 && holdout <= 0.5 ? heldOutCount(summary.rows, holdout) : 0
  return { name: fileName.replace(/\.csv$/i, ''), featureShape: [summary.columns.length - 1], classes: summary.label.classes.length, trainSamples: summary.rows - held }
}

/** Every problem of the form for data of `shape`, checked as Publish will: the first one each check finds. */
function formErrors (form: TaskForm, shape: DataShape | undefined, base: ModelSpec | undefined): FieldErrors {
  if (shape === undefined) return {}
  try {
    chainSettings(form, buildSpec(form, shape, 'check', base))
    return {}
  } catch (error) {
    return error instanceof TaskFormError ? { [error.field]: [error.detail] } : {}
  }
}

function mergeErrors (...all: FieldErrors[]): FieldErrors {
  const out: FieldErrors = {}
  for (const errors of all) {
    for (const [field, list] of Object.entries(errors) as Array<[FieldKey, string[]]>) out[field] = [...(out[field] ?? []), ...list]
  }
  return out
}

/** The prepared artifacts stay valid while the form and the chosen files are unchanged, so a retry does not publish again. */
interface Prepared extends PreparedTask { key: string }

function fileKey (files: readonly File[]): string {
  return files.map((f) => `${f.webkitRelativePath || f.name}:${f.size}:${f.lastModified}`).join('|')
}

/** The settings a change of data keeps: rounds, money and windows are not about the data. */
function pickChain (form: TaskForm): Partial<TaskForm> {
  const { rounds, shards, replication, reward, minStake, joinWindow, commitWindow, revealWindow, aggregateWindow, challengeWindow, confirmations, holdoutFraction } = form
  return { rounds, shards, replication, reward, minStake, joinWindow, commitWindow, revealWindow, aggregateWindow, challengeWindow, confirmations, holdoutFraction }
}

function budgetOf (form: TaskForm): { budget: bigint } | { error: string } {
  try {
    return { budget: taskBudget(budgetParams(form)) }
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) }
  }
}

/** Data the creator brings: registered under the licence the creator states (the bundled sets carry theirs). */
const UPLOADED_SOURCES: ReadonlySet<DataSource> = new Set(['csv', 'images', 'text'])

/** Creates a task: a fresh model, or (`continues`) one that trains that final version further. */
export function CreateTaskWizard ({ ctx, continues, onClose }: { ctx: WriteContext, continues?: bigint, onClose: () => void }): React.JSX.Element {
  return continues === undefined ? <Wizard ctx={ctx} onClose={onClose} /> : <ContinuingWizard ctx={ctx} versionId={continues} onClose={onClose} />
}

function ContinuingWizard ({ ctx, versionId, onClose }: { ctx: WriteContext, versionId: bigint, onClose: () => void }): React.JSX.Element {
  const continued = useContinuedVersion(versionId)
  return <Wizard ctx={ctx} continued={{ versionId, state: continued }} onClose={onClose} />
}

function Wizard ({ ctx, continued, onClose }: { ctx: WriteContext, continued?: { versionId: bigint, state: ContinuedState }, onClose: () => void }): React.JSX.Element {
  const network = useNetworkConfig()
  const queryClient = useQueryClient()
  const [form, setForm] = useState<TaskForm>(DEFAULT_FORM)
  const [csvFile, setCsvFile] = useState<File | undefined>()
  const [imageFiles, setImageFiles] = useState<File[]>([])
  const [textFile, setTextFile] = useState<File | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const [publish, setPublish] = useState<Publish>({ status: 'idle' })
  // The creator's own label column and settings win over the ones the data suggests.
  const [labelTyped, setLabelTyped] = useState(false)
  const [overridden, setOverridden] = useState<ReadonlySet<AutoField>>(new Set())
  // A problem Publish found that the checks before it could not (the data of an image folder, say).
  const [publishErrors, setPublishErrors] = useState<FieldErrors>({})
  // Publish was pressed with problems left: said until they are fixed.
  const [blocked, setBlocked] = useState(false)
  const csv = useCsvTable(form.dataset === 'csv' ? csvFile : undefined)
  const advanced = useRef<HTMLDetailsElement>(null)
  // Registering the data, approving, creating and citing are transactions, each with its own status.
  const register = useTransactor()
  const create = useTransactor()
  const cite = useTransactor()
  const [dataSetId, setDataSetId] = useState<bigint | undefined>()
  const [prepared, setPrepared] = useState<Prepared | undefined>()
  const [createdId, setCreatedId] = useState<bigint | undefined>()

  const account = ctx.walletClient.account.address
  const balance = useTokenBalance(account)
  const budget = budgetOf(form)
  const short = 'budget' in budget && balance.balance !== undefined && balance.balance < budget.budget

  const change = (patch: Partial<TaskForm>): void => {
    setForm((f) => ({ ...f, ...patch }))
    setPublishErrors({})
  }
  /** A change the creator makes to a setting the data would otherwise choose. */
  const override = (patch: Partial<TaskForm>): void => {
    setOverridden((o) => new Set([...o, ...AUTO_FIELDS.filter((f) => f in patch)]))
    change(patch)
  }
  const ready = continued?.state.status === 'ready' ? continued.state : undefined
  // The continued task starts from the settings its version was trained with, once they are known.
  useEffect(() => { if (ready !== undefined) setForm(continuedForm(ready.spec)) }, [ready?.parent.versionId, ready?.spec.seed])
  /** A text source moves the model to the character transformer with settings that suit it, and back. */
  const chooseData = (dataset: DataSource): void => {
    const text = TEXT_SOURCES.has(dataset)
    // The bundled digits take the default shards, not those chosen for an upload before.
    const defaults = dataset === 'mnist' ? Object.fromEntries(AUTO_FIELDS.filter((f) => !overridden.has(f)).map((f) => [f, DEFAULT_FORM[f]])) : {}
    if (text === TEXT_SOURCES.has(form.dataset)) change({ dataset, ...defaults })
    else change({ dataset, ...(text ? textDefaults(form.transformerPreset) : { ...DEFAULT_FORM, ...pickChain(form), ...defaults }) })
  }

  // The label column a file suggests, unless the creator typed one.
  const header = csv.status === 'read' ? csv.read.stats.header : undefined
  useEffect(() => { if (header !== undefined && !labelTyped) startTransition(() => { change({ csvLabel: defaultLabelColumn(header) }) }) }, [header])
  const summary = csv.status === 'read' && csvFile !== undefined ? summarizeTable(csv.read, form.csvLabel, csvFile.name) : undefined

  // Settings that fit the size of the data, from the moment it is known.
  const rows = form.dataset === 'csv' ? summary?.rows : form.dataset === 'images' && imageFiles.length > 0 ? imageFiles.length : undefined
  const shardCount = Number(form.shards)
  const auto: AutoSettings | undefined = rows !== undefined && rows >= 2 ? autoSettings(rows, Number.isInteger(shardCount) && shardCount >= 1 ? shardCount : 1) : undefined
  useEffect(() => {
    if (auto === undefined) return
    const patch = Object.fromEntries(AUTO_FIELDS.filter((f) => !overridden.has(f) && form[f] !== auto[f].value).map((f) => [f, auto[f].value]))
    if (Object.keys(patch).length > 0) startTransition(() => { change(patch) })
  }, [auto?.holdoutFraction.value, auto?.samplesPerShard.value, overridden])
  const hint = (field: AutoField): React.ReactNode => {
    if (auto === undefined) return null
    const suggested = auto[field]
    if (form[field] === suggested.value) return <small className="muted" data-testid={`wizard-why-${field}`}>{suggested.why}</small>
    return (
      <small className="muted" data-testid={`wizard-why-${field}`}>
        The data suggests {suggested.value}.{' '}
        <button type="button" className="link" onClick={() => { setOverridden((o) => new Set([...o].filter((f) => f !== field))) }}>Use it</button>
      </small>
    )
  }

  // Every problem known before Publish, next to the input that fixes it.
  const shape = form.dataset === 'csv' ? tableShape(summary, csvFile?.name ?? '', form) : form.dataset === 'mnist' ? MNIST_SHAPE : undefined
  const checked = useMemo(() => formErrors(form, shape, ready?.parent.model), [form, shape?.classes, shape?.trainSamples, shape?.featureShape[0], ready?.parent.model])
  const errors = mergeErrors(
    summary === undefined ? {} : Object.fromEntries(['csvFile', 'csvLabel'].map((f) => [f, summary.problems.filter((p) => p.field === f).map((p) => p.message)])),
    csv.status === 'failed' ? { csvFile: [`The file could not be read: ${csv.error}`] } : {},
    checked,
    publishErrors
  )
  const problems = Object.values(errors).reduce((n, list) => n + list.length, 0)
  const advancedProblem = ADVANCED.some((f) => (errors[f]?.length ?? 0) > 0)
  // A problem in a setting under Advanced opens it, so the problem is in sight.
  useEffect(() => { if (advancedProblem && advanced.current !== null) advanced.current.open = true }, [advancedProblem])

  const submit = async (): Promise<void> => {
    setError(undefined)
    setCreatedId(undefined)
    if ('error' in budget) { setError(budget.error); return }
    if (csv.status === 'reading') { setError('The CSV file is still being read; publish once its summary shows.'); return }
    setBlocked(problems > 0)
    if (problems > 0) return
    if (continued !== undefined && ready === undefined) {
      setError(continued.state.status === 'failed' ? continued.state.error : `Version ${continued.versionId} is still being fetched; try again in a moment.`)
      return
    }
    if (balance.balance === undefined) { setError('Your MLB balance is not known yet; try again in a moment.'); return }
    if (balance.balance < budget.budget) {
      setError(`The budget is ${formatUnits(budget.budget, 18)} MLB but your balance is ${formatUnits(balance.balance, 18)} MLB.`)
      return
    }
    setBusy(true)
    register.reset()
    create.reset()
    cite.reset()
    try {
      const key = JSON.stringify([form, continued?.versionId.toString() ?? '', csvFile === undefined ? '' : fileKey([csvFile]), fileKey(imageFiles), textFile === undefined ? '' : fileKey([textFile])])
      let task = prepared?.key === key ? prepared : undefined
      if (task === undefined) {
        setPublish({ status: 'running', text: 'Reading the data…' })
        try {
          const data = await loadWizardData({
            source: form.dataset,
            csvLabel: form.csvLabel,
            ...(csv.status === 'read' ? { csvTable: csv.table } : {}),
            onProgress: (done) => { setPublish({ status: 'running', text: `Packing and hashing the table: ${Math.round(done * 100)}%`, done }) },
            holdoutFraction: formNumber(form, 'holdoutFraction', { above: 0, max: 0.5 }),
            ...(csvFile === undefined ? {} : { csvFile }),
            ...(textFile === undefined ? {} : { textFile }),
            context: ready !== undefined && 'vocabulary' in ready.parent.model ? ready.parent.model.inputShape[0]! : TRANSFORMER_PRESETS[form.transformerPreset].context,
            imageFiles
          })
          const done = await prepareTask({ form, data, network, ctx, ...(ready === undefined ? {} : { parent: ready.parent }), onProgress: (text, share) => { setPublish({ status: 'running', text, ...(share === undefined ? {} : { done: share }) }) } })
          task = { ...done, key }
          setPrepared(task)
          setPublish({ status: 'done', text: 'Published: the spec, the initial model and the data are pinned.' })
        } catch (e) {
          if (e instanceof TaskFormError) setPublishErrors({ [e.field]: [e.detail] })
          setPublish({ status: 'failed', text: explainError(e) })
          return
        }
      }

      const { params, dataSet } = task
      const registered = await register.run(ctx, async (c) => await ensureDataSet(c, dataSet))
      if (registered === undefined) return
      setDataSetId(registered.dataSetId)
      const created = await create.run(ctx, async (c) => await createTask(c, params))
      if (created !== undefined) {
        // The task stands whether or not the citation goes through; its step shows any failure.
        await cite.run(ctx, async (c) => await citeDataSet(c, { taskId: created.taskId, dataSetId: registered.dataSetId }))
        setCreatedId(created.taskId)
        // A new task gets a fresh seed and artifacts.
        setPrepared(undefined)
        void queryClient.invalidateQueries({ queryKey: ['tasks'] })
        void balance.refetch()
      }
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="panel wizard" aria-labelledby="wizard-title" data-testid="wizard">
      <h2 id="wizard-title">{continued === undefined ? 'Create a task' : `Train version ${continued.versionId} further`}</h2>
      <form onSubmit={(e) => { e.preventDefault(); void submit() }}>
        <fieldset disabled={busy}>
          <legend>About</legend>
          <label className="wizard-field">
            <span>Name</span>
            <input type="text" data-testid="wizard-name" maxLength={128} placeholder={defaultTaskName(form, DATA_NAMES[form.dataset])} value={form.name} onChange={(e) => { change({ name: e.target.value }) }} {...invalid('wizard-name', errors.name)} />
            <small className="muted">How the task and its model are listed in the market; recorded on chain with the task.</small>
            <ProblemList testId="wizard-name" errors={errors.name} />
          </label>
          <label className="wizard-field wide">
            <span>Description</span>
            <textarea data-testid="wizard-description" rows={2} maxLength={2048} placeholder="What the model is for, and anything a volunteer should know" value={form.description} onChange={(e) => { change({ description: e.target.value }) }} {...invalid('wizard-description', errors.description)} />
            <ProblemList testId="wizard-description" errors={errors.description} />
          </label>
        </fieldset>

        <fieldset disabled={busy}>
          <legend>Data</legend>
          <label className="wizard-field">
            <span>Data set</span>
            <select data-testid="wizard-dataset" value={form.dataset} onChange={(e) => { chooseData(e.target.value as DataSource) }}>
              <option value="mnist">Bundled MNIST digits (10,000)</option>
              <option value="csv">CSV file</option>
              <option value="images">Image folder (one sub-folder per label)</option>
              <option value="moby-dick">Bundled text: Moby Dick (1.2 M characters)</option>
              <option value="text">Text file (.txt)</option>
            </select>
            <ProblemList testId="wizard-dataset" errors={errors.dataset} />
          </label>
          {form.dataset === 'text' && (
            <label className="wizard-field">
              <span>Text file</span>
              <input type="file" accept=".txt,text/plain" data-testid="wizard-text-file" onChange={(e) => { setTextFile(e.target.files?.[0]) }} />
            </label>
          )}
          {TEXT_SOURCES.has(form.dataset) && (
            <p className="muted">The vocabulary is the text&apos;s characters; the text is cut into windows of the model&apos;s context, and its last {form.holdoutFraction} is held out to score versions (loss and bits per character).</p>
          )}
          {form.dataset === 'csv' && (
            <>
              <label className="wizard-field">
                <span>CSV file</span>
                <input type="file" accept=".csv,text/csv" data-testid="wizard-csv-file" onChange={(e) => { setCsvFile(e.target.files?.[0]); setOverridden(new Set()); setPublishErrors({}) }} {...invalid('wizard-csv-file', errors.csvFile)} />
                {csv.status === 'reading' && <Reading store={csv.progress} name={csvFile?.name ?? ''} />}
                <ProblemList testId="wizard-csv-file" errors={errors.csvFile} />
              </label>
              <label className="wizard-field">
                <span>Label column</span>
                <input type="text" list="wizard-csv-columns" data-testid="wizard-csv-label" value={form.csvLabel} onChange={(e) => { setLabelTyped(true); change({ csvLabel: e.target.value }) }} {...invalid('wizard-csv-label', errors.csvLabel)} />
                <datalist id="wizard-csv-columns">{header?.map((name, i) => <option key={i} value={name.trim()} />)}</datalist>
                <small className="muted">The column that holds what the model learns to predict; every other column is an input.</small>
                <ProblemList testId="wizard-csv-label" errors={errors.csvLabel} />
              </label>
              {summary !== undefined && csv.status === 'read' && <TableSummaryView summary={summary} preview={csv.read.stats.preview} fileName={csvFile?.name ?? ''} seconds={csv.seconds} />}
            </>
          )}
          {form.dataset === 'images' && (
            <label className="wizard-field">
              <span>Image folder</span>
              <input
                type="file"
                multiple
                data-testid="wizard-images"
                // React has no typed prop for it; the browser reads the attribute.
                {...{ webkitdirectory: '' }}
                onChange={(e) => { setImageFiles(e.target.files === null ? [] : [...e.target.files]) }}
              />
              <small className="muted">Labels are the folder names; images are scaled to {IMAGE_SHAPE.width}×{IMAGE_SHAPE.height} greyscale. {imageFiles.length > 0 ? `${imageFiles.length} files chosen.` : ''}</small>
            </label>
          )}
          {UPLOADED_SOURCES.has(form.dataset) && (
            <label className="wizard-field">
              <span>Licence of the data</span>
              <input type="text" data-testid="wizard-data-license" placeholder="e.g. CC-BY-4.0" value={form.dataLicense} onChange={(e) => { change({ dataLicense: e.target.value }) }} {...invalid('wizard-data-license', errors.dataLicense)} />
              <small className="muted">Recorded with the data set in the data registry, where anyone can see who registered it first.</small>
              <ProblemList testId="wizard-data-license" errors={errors.dataLicense} />
            </label>
          )}
          {UPLOADED_SOURCES.has(form.dataset) && (
            <NumberField form={form} onChange={override} field="holdoutFraction" label="Held-out share" testId="wizard-holdout" step="any" errors={errors.holdoutFraction} hint={hint('holdoutFraction')} />
          )}
        </fieldset>

        {continued !== undefined && <ContinuedModel versionId={continued.versionId} state={continued.state} />}
        <fieldset disabled={busy} hidden={continued !== undefined}>
          <legend>Model</legend>
          <label className="wizard-field">
            <span>Model</span>
            <select data-testid="wizard-template" value={form.template} onChange={(e) => { change({ template: e.target.value as TemplateChoice }) }} {...invalid('wizard-template', errors.template)}>
              <option value="mlp">MLP (one hidden layer of 64)</option>
              <option value="cnn">CNN (images only)</option>
              <option value="tabular-mlp">Tabular MLP (64, 32)</option>
              <option value="layers">tfjs layers JSON</option>
              <option value="char-transformer">Character transformer (text only)</option>
            </select>
            <ProblemList testId="wizard-template" errors={errors.template} />
          </label>
          {form.template === 'char-transformer' && (
            <label className="wizard-field">
              <span>Size</span>
              <select data-testid="wizard-transformer-preset" value={form.transformerPreset} onChange={(e) => { change(textDefaults(e.target.value as TransformerPreset)) }}>
                <option value="small">Small: 4 blocks of width 128, context 128 (about 0.83 M parameters)</option>
                <option value="tiny">Tiny: 1 block of width 32, context 32 (seconds per round on any CPU)</option>
              </select>
              <ProblemList testId="wizard-transformer-preset" errors={errors.transformerPreset} />
            </label>
          )}
          {form.template === 'layers' && (
            <label className="wizard-field wide">
              <span>tfjs Sequential model JSON (model.toJSON())</span>
              <textarea data-testid="wizard-layers-json" rows={6} value={form.layersJson} onChange={(e) => { change({ layersJson: e.target.value }) }} {...invalid('wizard-layers-json', errors.layersJson)} />
              <ProblemList testId="wizard-layers-json" errors={errors.layersJson} />
            </label>
          )}
          <p className="muted">Input shape and classes (a text&apos;s vocabulary) come from the data.</p>
        </fieldset>

        <fieldset disabled={busy}>
          <legend>Rounds and rewards</legend>
          <NumberField form={form} onChange={change} field="rounds" label="Rounds" testId="wizard-rounds" errors={errors.rounds} />
          <NumberField form={form} onChange={change} field="shards" label="Shards per round" testId="wizard-shards" errors={errors.shards} />
          <NumberField form={form} onChange={override} field="samplesPerShard" label="Samples per shard" testId="wizard-samples-per-shard" errors={errors.samplesPerShard} hint={hint('samplesPerShard')} />
          <NumberField form={form} onChange={change} field="replication" label="Providers per shard" testId="wizard-replication" errors={errors.replication} />
          <NumberField form={form} onChange={change} field="reward" label="Reward per accepted result (MLB)" testId="wizard-reward" step="any" errors={errors.reward} />
          <NumberField form={form} onChange={change} field="minStake" label="Minimum stake (MLB)" testId="wizard-min-stake" step="any" errors={errors.minStake} />
          <NumberField form={form} onChange={change} field="joinWindow" label="Join window (s)" testId="wizard-join-window" errors={errors.joinWindow} />
          <details className="wizard-advanced" ref={advanced}>
            <summary data-testid="wizard-advanced">Advanced</summary>
            <NumberField form={form} onChange={change} field="commitWindow" label="Commit window (s)" testId="wizard-commit-window" errors={errors.commitWindow} />
            <NumberField form={form} onChange={change} field="revealWindow" label="Reveal window (s)" testId="wizard-reveal-window" errors={errors.revealWindow} />
            <NumberField form={form} onChange={change} field="aggregateWindow" label="Aggregate window (s)" testId="wizard-aggregate-window" errors={errors.aggregateWindow} />
            <NumberField form={form} onChange={change} field="challengeWindow" label="Challenge window (s)" testId="wizard-challenge-window" errors={errors.challengeWindow} />
            <NumberField form={form} onChange={change} field="confirmations" label="Confirmations" testId="wizard-confirmations" errors={errors.confirmations} />
            <label className="wizard-field">
              <span>Optimizer</span>
              <select data-testid="wizard-optimizer" value={form.optimizer} onChange={(e) => { change({ optimizer: e.target.value as TaskForm['optimizer'] }) }}>
                <option value="adam">Adam</option>
                <option value="sgd">SGD</option>
              </select>
            </label>
            <NumberField form={form} onChange={change} field="learningRate" label="Learning rate" testId="wizard-learning-rate" step="any" errors={errors.learningRate} />
            <NumberField form={form} onChange={change} field="localSteps" label="Local steps per round" testId="wizard-local-steps" errors={errors.localSteps} />
            <NumberField form={form} onChange={change} field="batchSize" label="Batch size" testId="wizard-batch-size" errors={errors.batchSize} />
            <label className="wizard-field">
              <span>Delta encoding</span>
              <select data-testid="wizard-delta-encoding" value={form.deltaEncoding} onChange={(e) => { change({ deltaEncoding: e.target.value as DeltaEncoding }) }}>
                <option value="int8">int8 (4 times smaller than float32)</option>
                <option value="topk2">Top-k 1%, 2-bit values (about 220 times smaller)</option>
                <option value="topk4">Top-k 1%, 4-bit values (about 190 times smaller)</option>
              </select>
            </label>
          </details>
        </fieldset>

        <p>
          Total budget:{' '}
          <strong data-testid="wizard-budget">{'budget' in budget ? `${formatUnits(budget.budget, 18)} MLB` : '—'}</strong>
          {' '}((reward + {formatUnits(RESULT_FEE, 18)} MLB protocol fee, burnt per accepted result) × rounds × shards × (replication + 1 spare); what is not earned comes back). Your balance:{' '}
          <strong data-testid="wizard-balance">{balance.balance === undefined ? '…' : `${formatUnits(balance.balance, 18)} MLB`}</strong>
        </p>
        {'error' in budget && <p className="error" data-testid="wizard-budget-error">{budget.error}</p>}
        {short && <p className="error" data-testid="wizard-short">Your balance does not cover the budget; get MLB first (the faucet, on the local chain).</p>}
        {error !== undefined && <p className="error" role="alert" data-testid="wizard-error">{error}</p>}
        {blocked && problems > 0 && <p className="error" role="alert" data-testid="wizard-problems">Fix the {problems === 1 ? 'problem' : `${problems} problems`} marked above first.</p>}

        <div className="row">
          <button type="submit" data-testid="wizard-submit" disabled={busy}>{busy ? 'Working…' : prepared === undefined ? 'Publish and create' : 'Retry'}</button>
          <button type="button" onClick={onClose} disabled={busy}>Close</button>
        </div>
      </form>

      {publish.status !== 'idle' && (
        <ul className="wizard-steps">
          <li data-testid="wizard-step-publish" data-status={publish.status}>
            <strong>1. Publish the spec, model and data</strong>
            <p className={publish.status === 'failed' ? 'error' : publish.status === 'done' ? 'ok' : 'pending'} data-testid="wizard-publish-status" {...(publish.status === 'failed' ? { role: 'alert' } : {})}>
              {publish.status === 'failed' ? `Failed: ${publish.text}` : publish.text}
            </p>
            {publish.status === 'running' && publish.done !== undefined && <progress value={publish.done} max={1} aria-label="Publishing" />}
          </li>
          <li data-testid="wizard-step-register">
            <strong>2. Register the data set</strong>
            <TxStatus state={register.state} testId="wizard-register-status" skipped={`Registered already, as data set ${dataSetId?.toString() ?? ''}.`} />
          </li>
          <li data-testid="wizard-step-create">
            <strong>3. Create the task and escrow its budget</strong>
            <p className="muted">One transaction: your wallet signs a permit for the budget first, so no separate approval (a smart wallet, whose signature a permit cannot carry, sends an approval before it).</p>
            <TxStatus state={create.state} testId="wizard-create-status" />
          </li>
          <li data-testid="wizard-step-cite">
            <strong>4. Cite the data set</strong>
            <TxStatus state={cite.state} testId="wizard-cite-status" />
          </li>
        </ul>
      )}

      {createdId !== undefined && (
        <p className="ok" data-testid="created-task" data-task-id={createdId.toString()}>
          Task #{createdId.toString()} created. <Link to={{ page: 'task', taskId: createdId }} testId="created-task-link">Open task #{createdId.toString()}</Link>
        </p>
      )}
    </section>
  )
}

/** What a continued task starts from, in place of the model choice: the version's own architecture. */
function ContinuedModel ({ versionId, state }: { versionId: bigint, state: ContinuedState }): React.JSX.Element {
  return (
    <fieldset data-testid="wizard-continued" data-status={state.status}>
      <legend>Model</legend>
      {state.status === 'loading' && <p className="pending">Fetching version {versionId.toString()} and checking it against its commit hash…</p>}
      {state.status === 'failed' && <p className="error" role="alert">Version {versionId.toString()} cannot be continued: {state.error}</p>}
      {state.status === 'ready' && (
        <p>
          Starts from <Link to={{ page: 'version', versionId }}>version {versionId.toString()}</Link> (verified), trained by{' '}
          <Link to={{ page: 'task', taskId: state.taskId }}>task #{state.taskId.toString()}</Link>, with its architecture ({describeModel(state.spec)}) and its weights.
          The new task&apos;s versions descend from it in the model&apos;s lineage. The data must fit the model: the same input shape and classes, or the same characters for a text.
        </p>
      )}
    </fieldset>
  )
}

function describeModel (spec: TaskSpec): string {
  const model = spec.model
  const kind = 'template' in model ? model.template : 'tfjs layers'
  return `${kind}, inputs [${model.inputShape.join(', ')}], ${model.classes} ${'vocabulary' in model ? 'characters' : 'classes'}`
}
