// The call service's Prometheus metrics. Their names and labels are a contract (dashboards and alerts use them).

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallOutcome } from './call-record.js';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly calls = new Counter({
    name: 'bbb_twilio_calls_total',
    help: 'Calls handled by the call service, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly pinFailures = new Counter({ name: 'bbb_twilio_pin_failures_total', help: 'PINs no meeting owns', registers: [this.registry] });
  readonly lockouts = new Counter({ name: 'bbb_twilio_lockouts_total', help: 'Caller numbers locked out for guessing PINs', registers: [this.registry] });
  /** Where the gauges read the calls up now (the call server sets it). */
  liveCounts: () => { active: number; waiting: number } = () => ({ active: 0, waiting: 0 });
  readonly active: Gauge;
  readonly waiting: Gauge;
  readonly apiSeconds = new Histogram({
    name: 'bbb_twilio_bbb_api_seconds',
    help: "Time BBB's getMeetings took",
    labelNames: ['result'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly setupSeconds = new Histogram({
    name: 'bbb_twilio_call_setup_seconds',
    help: 'From connect to transfer, without the time the caller spent typing or waiting',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly keypad = new Counter({
    name: 'bbb_twilio_keypad_total',
    help: 'Keypad actions of callers in a meeting',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly joinedSeconds = new Histogram({
    name: 'bbb_twilio_calls_joined_seconds',
    help: 'Time phone callers spent in their meeting',
    buckets: [60, 300, 900, 1800, 3600, 5400, 7200, 14400],
    registers: [this.registry],
  });

  constructor() {
    const live = (): { active: number; waiting: number } => this.liveCounts();
    this.active = new Gauge({
      name: 'bbb_twilio_calls_active',
      help: 'Calls the service is handling now',
      registers: [this.registry],
      collect() {
        this.set(live().active);
      },
    });
    this.waiting = new Gauge({
      name: 'bbb_twilio_calls_waiting',
      help: 'Callers waiting for their meeting to start',
      registers: [this.registry],
      collect() {
        this.set(live().waiting);
      },
    });
    // Every outcome is present from the start, so rate() and dashboards see zeros, not gaps.
    for (const outcome of OUTCOMES) this.calls.labels(outcome).inc(0);
    for (const action of ['mute', 'unmute']) this.keypad.labels(action).inc(0);
  }

  finished(outcome: CallOutcome): void {
    this.calls.labels(outcome).inc();
  }
}

const OUTCOMES: CallOutcome[] = ['joined', 'joined_after_wait', 'invalid_pin', 'locked_out', 'hung_up', 'api_fallback', 'error', 'handed_back'];
