// How much memory pending records may take before they go to disk, and how the disk is partitioned.

/** memory a row costs while its partition is replayed (row bytes, time, order, key map) */
const REPLAY_ROW_BYTES = 200

/**
 * Default bytes of pending tables before they spill (NBTRACE_PENDING_BUDGET overrides, in bytes).
 * With the ~160 MiB the rest of a compare takes, a spilled run peaks near 220 MiB whatever its
 * length (measured: 221 MiB at 5M records per file; 247 MiB with 64 MiB, too close to the 256
 * target); a 1M-record per-variable pair (40-48 MiB of pending tables at its peak) stays in
 * memory and keeps the in-memory path's speed (spilling costs ~1.6-2x the CPU).
 */
export const DEFAULT_PENDING_BUDGET = 48 * 1024 * 1024

/** The pending budget in bytes: NBTRACE_PENDING_BUDGET when set to a non-negative integer. */
export function pendingBudget(): number {
  const v = process.env.NBTRACE_PENDING_BUDGET
  if (v !== undefined && /^\d+$/.test(v.trim())) return Number(v.trim())
  return DEFAULT_PENDING_BUDGET
}

/** Partitions for about `records` records to spill, each replayed within `budget` bytes. */
export function partitionsFor(records: number, budget: number): number {
  const want = Math.ceil((records * REPLAY_ROW_BYTES) / Math.max(budget, 1 << 20))
  let p = 16
  while (p < want && p < 4096) p *= 2
  return p
}
