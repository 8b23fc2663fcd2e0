import { formatUnits, type Address } from 'viem'

/** `0x1234…abcd`: enough to tell dev accounts apart. */
export const shortAddress = (address: Address): string => `${address.slice(0, 6)}…${address.slice(-4)}`

/** An MLB amount (18 decimals) in words. */
export const mlb = (amount: bigint): string => `${formatUnits(amount, 18)} MLB`

/** What a task declares one result costs, in words: `1.2 TFLOP of training, 50,890 parameters, 215 KiB of activations`. */
export function workPerResult (task: { trainMflop: number, parameters: number, activationKib: number }): string {
  const flops = task.trainMflop >= 1e6 ? `${(task.trainMflop / 1e6).toPrecision(3)} TFLOP` : task.trainMflop >= 1e3 ? `${(task.trainMflop / 1e3).toPrecision(3)} GFLOP` : `${task.trainMflop} MFLOP`
  const memory = task.activationKib >= 1024 ? `${(task.activationKib / 1024).toPrecision(3)} MiB` : `${task.activationKib} KiB`
  return `${flops} of training, ${task.parameters.toLocaleString('en-US')} parameter${task.parameters === 1 ? '' : 's'}, ${memory} of activations`
}

/** Reward per TFLOP of declared training, what Contribute ranks tasks by (pay per hour on a given machine). */
export const rewardPerTflop = (task: { rewardPerResult: bigint, trainMflop: number }): string =>
  mlb(task.rewardPerResult * 1_000_000n / BigInt(task.trainMflop))

/** A chain timestamp (unix seconds) in the reader's local time. */
export const chainTime = (seconds: bigint): string => new Date(Number(seconds) * 1000).toLocaleString()
