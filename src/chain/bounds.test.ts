/**
 * The clients mirror TaskManager's bounds so that the wizard and every provider can say what is
 * wrong before a transaction is sent: the mirrors must equal the deployed contract's constants.
 */
import { describe, expect, it } from 'vitest'
import { useLocalChain } from '../../node/testing/useLocalChain.ts'
import { RESOURCE_LIMITS } from '../core/resourceLimits.ts'
import { LIFETIME_ATTEMPTS, MAX_LIFETIME_SECONDS, MAX_PROVIDERS, MAX_WINDOW_SECONDS, RESULT_FEE } from '../core/taskLimits.ts'
import { TaskManagerAbi } from './generated/abis.ts'

const chain = useLocalChain()

describe('task bounds', () => {
  it('the clients\' mirrors equal TaskManager\'s constants', async () => {
    const read = async (functionName: 'MAX_WINDOW' | 'MAX_LIFETIME' | 'LIFETIME_ATTEMPTS' | 'MAX_PROVIDERS' | 'MAX_PARAMETERS' | 'MAX_TRAIN_MFLOP' | 'MAX_ACTIVATION_KIB'): Promise<number> =>
      Number(await chain().publicClient.readContract({ address: chain().contracts.TaskManager, abi: TaskManagerAbi, functionName }))
    expect(await chain().publicClient.readContract({ address: chain().contracts.TaskManager, abi: TaskManagerAbi, functionName: 'RESULT_FEE' })).toBe(RESULT_FEE)
    expect(await read('MAX_WINDOW')).toBe(MAX_WINDOW_SECONDS)
    expect(await read('MAX_LIFETIME')).toBe(MAX_LIFETIME_SECONDS)
    expect(await read('LIFETIME_ATTEMPTS')).toBe(LIFETIME_ATTEMPTS)
    expect(await read('MAX_PROVIDERS')).toBe(MAX_PROVIDERS)
    expect(await read('MAX_PARAMETERS')).toBe(RESOURCE_LIMITS.parameters)
    expect(await read('MAX_TRAIN_MFLOP') * 1e6).toBe(RESOURCE_LIMITS.trainFlops)
    expect(await read('MAX_ACTIVATION_KIB') * 1024).toBe(RESOURCE_LIMITS.activationBytes)
  })
})
