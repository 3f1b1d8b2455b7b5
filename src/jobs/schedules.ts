import type { Core } from '@strapi/strapi';
import { Cron } from 'croner';
import type { JobKind } from './index';

/**
 * Scheduled work as jobs: every instance that runs jobs ticks, and at each slot of a schedule enqueues one job keyed
 * `<name>@<slot start ISO>`. The outbox's unique (type, key) turns the enqueues of all instances into one row, and
 * the runner runs that row once, so a schedule runs once per slot however many instances tick (README "Jobs").
 */

/** How often a schedule comes round: a fixed period in ms (slots aligned on the epoch), or a cron expression. */
export type Cadence = { every: number } | { cron: string };

/** The payload of a scheduled job: which schedule and which slot it runs for. */
export interface ScheduledRun {
  schedule: string;
  /** The slot's start, ISO 8601. */
  slot: string;
}

interface Schedule {
  name: string;
  kind: JobKind<ScheduledRun>;
  /** The start of the slot `now` falls in. */
  slotAt(now: number): number;
}

const schedules = new Map<string, Schedule>();

/**
 * The start of the slot `now` falls in. Every instance computes the same slot from the same clock reading, so the
 * key of a slot is the same everywhere (clocks apart by a few seconds only move the boundary).
 */
export function slotStart(cadence: Cadence, now: number, pattern?: Cron): number {
  if ('every' in cadence) return Math.floor(now / cadence.every) * cadence.every;
  const cron = pattern ?? new Cron(cadence.cron, { paused: true });
  // croner counts in whole seconds and answers the last run strictly before its reference.
  const [previous] = cron.previousRuns(1, new Date(Math.floor(now / 1000) * 1000 + 1000));
  if (!previous) throw new Error(`cron "${cadence.cron}" has no run before ${new Date(now).toISOString()}`);
  return previous.getTime();
}

/**
 * A cadence from a variable: a whole number is a period in ms, anything else a cron expression (5 or 6 fields,
 * seconds first when 6). Checked here, so a bad value stops the start, not a later tick.
 */
export function cadenceFrom(name: string, value: string | undefined, fallback: Cadence): Cadence {
  const text = value?.trim() ?? '';
  if (text === '') return fallback;
  if (/^\d+$/.test(text)) {
    const every = Number(text);
    if (every < 100) throw new Error(`${name}: a period of at least 100 ms, got ${text}`);
    return { every };
  }
  try {
    new Cron(text, { paused: true });
  } catch (error) {
    throw new Error(`${name}: not a cron expression nor a period in ms: "${text}" (${(error as Error).message})`);
  }
  return { cron: text };
}

/** The idempotency key of one slot's job. */
export const slotKey = (name: string, slot: number): string => `${name}@${new Date(slot).toISOString()}`;

/**
 * Declares a schedule: at each slot of `cadence`, one job of `kind` (whose handler must be idempotent: a worker that
 * dies mid-run leaves it to run again). Once per name.
 */
export function defineSchedule(name: string, cadence: Cadence, kind: JobKind<ScheduledRun>): void {
  if (schedules.has(name)) throw new Error(`schedule ${name} is defined twice`);
  if ('every' in cadence && !(Number.isInteger(cadence.every) && cadence.every > 0))
    throw new Error(`schedule ${name}: every must be a whole number of ms, got ${cadence.every}`);
  const pattern = 'cron' in cadence ? new Cron(cadence.cron, { paused: true }) : undefined;
  schedules.set(name, { name, kind, slotAt: (now) => slotStart(cadence, now, pattern) });
}

/** The names of the schedules defined in this process. */
export const scheduleNames = (): string[] => [...schedules.keys()];

/** How an instance records a slot's job (enqueue with the slot's key): the job's id, new or existing. */
export type EnqueueSlot = (kind: JobKind<ScheduledRun>, run: ScheduledRun, key: string, at: Date) => Promise<number>;

/** Checks the schedules often enough not to miss a short period; no database work unless a slot has changed. */
const TICK_MS = 1_000;

/**
 * One instance's ticker. It remembers the last slot it enqueued per schedule, so it writes once per slot; a slot it
 * could not enqueue (the database away) is tried again at the next tick. On start it enqueues the current slots:
 * one whose job already exists (another instance, or this one before a restart) is not added again.
 */
export class ScheduleTicker {
  private readonly enqueued = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly strapi: Core.Strapi,
    private readonly enqueueSlot: EnqueueSlot,
    private readonly now: () => number = Date.now
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    void this.tick();
  }

  /** Stops ticking and waits for a tick under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** Enqueues the slot each schedule is in, where this instance has not yet. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.enqueueCurrentSlots().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async enqueueCurrentSlots(): Promise<void> {
    const now = this.now();
    for (const schedule of schedules.values()) {
      const slot = schedule.slotAt(now);
      if (this.enqueued.get(schedule.name) === slot) continue;
      const key = slotKey(schedule.name, slot);
      try {
        const run = { schedule: schedule.name, slot: new Date(slot).toISOString() };
        const id = await this.enqueueSlot(schedule.kind, run, key, new Date(slot));
        this.enqueued.set(schedule.name, slot);
        // The same job id from every instance that ticked this slot.
        this.strapi.log.debug(`schedules: ${key} is job #${id}`);
      } catch (error) {
        this.strapi.log.warn(`schedules: could not enqueue ${key}: ${(error as Error).message}`);
      }
    }
  }
}
