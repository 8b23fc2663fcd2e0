/// <reference lib="webworker" />
/**
 * The wizard's CSV reader (src/app/tasks/tableReader.ts): reading, summarizing, packing and
 * hashing a table happen here, away from the page.
 */
import * as Comlink from 'comlink'
import { tableReader } from '../src/app/tasks/tableReader.ts'

Comlink.expose(tableReader())
