// The alerts component's slice of the config (schema.json "alerts") and its defaults.
// Types and defaults only: no I/O. Secrets (the SIM PIN) stay unresolved here.
import type { Secret } from '../config/types.ts';

/** Port down / back up. */
export interface PortDownRule {
  /** Default: true. */
  enabled: boolean;
  /** members: only ports with an ifAlias or a known member (default); all: every port with admin status up. */
  ports: 'members' | 'all';
}

/** Traffic collapsed against the same hour of the previous weeks. */
export interface CollapseRule {
  /** Default: true. */
  enabled: boolean;
  /** Fire when traffic < ratio x the median of the same hour in the previous weeks. Default: 0.2. */
  ratio: number;
  /** How many previous weeks form the baseline. Default: 4. */
  weeks: number;
  /** Fewer weeks with data than this: no verdict. Default: 2. */
  minWeeks: number;
  /** A baseline (median) below this many Mbit/s is too small to judge. Default: 10 (member), 50 (exchange). */
  minBaselineMbps: number;
}

/** Utilisation above a threshold for a sustained time. */
export interface UtilisationRule {
  enabled: boolean;
  /** 0..1 of the port speed, in or out. Default: 0.9. */
  threshold: number;
  /** Seconds the utilisation must stay above the threshold. Default: 900. */
  sustained: number;
}

/** Errors or discards above a rate. */
export interface ErrorsRule {
  enabled: boolean;
  /** In + out errors per second. Default: 1. */
  errorsPerSecond: number;
  /** In + out discards per second. Default: 100. */
  discardsPerSecond: number;
}

/** Forward backlog older than a threshold. */
export interface BacklogRule {
  enabled: boolean;
  /** Seconds. Default: 3600. */
  maxAge: number;
}

/** A port's capacity forecast reaches the threshold within a number of days (collector/alerts/capacity.ts). */
export interface CapacityRule {
  /** Default: true. */
  enabled: boolean;
  /** Utilisation 0..1. Default: 0.8. */
  threshold: number;
  /** Days. Default: 60. */
  withinDays: number;
}

export interface AlertRulesConfig {
  portDown: PortDownRule;
  memberCollapse: CollapseRule;
  exchangeCollapse: CollapseRule;
  utilisation: UtilisationRule;
  errors: ErrorsRule;
  unreachable: { enabled: boolean };
  forwardBacklog: BacklogRule;
  /** Default: enabled, 80 %, 60 days. Optional for configs built without the loader. */
  capacity?: CapacityRule;
}

export interface WebhookChannelConfig {
  /** http(s) URL that receives a JSON POST (Slack/Mattermost incoming webhooks read its `text`). */
  url: string;
  /** Seconds per request. Default: 10. */
  timeout: number;
  /** Further attempts within one delivery round (1 s, 2 s, 4 s... apart). Default: 2. */
  retries: number;
}

export interface SmsChannelConfig {
  /** Serial device of the GSM/LTE modem. Default: /dev/ixmeter-modem. */
  device: string;
  /** Default: 115200. */
  baud: number;
  /** SIM PIN, only used when the SIM asks for it. */
  pin?: Secret;
  /** Phone numbers in international format, e.g. +9607771234. */
  recipients: string[];
  /** Seconds to wait for each AT answer. Default: 10 (the send itself gets 6x that). */
  timeout: number;
  /** Further attempts after ERROR / +CMS ERROR within one delivery round. Default: 2. */
  retries: number;
}

export interface AlertChannelsConfig {
  log: { enabled: boolean };
  webhook?: WebhookChannelConfig;
  sms?: SmsChannelConfig;
}

/** The "alerts" section of the config, after defaults. */
export interface AlertsConfig {
  /** Default: true. */
  enabled: boolean;
  /** Polls a condition must hold before it fires (flap damping). Default: 3. */
  pendingPolls: number;
  /** Seconds between reminders of a still-firing alert; 0: never. Default: 21600. */
  resendInterval: number;
  /** Seconds a message may wait in the outbox before it is given up. Default: 86400. */
  maxAge: number;
  rules: AlertRulesConfig;
  channels: AlertChannelsConfig;
}

/** Defaults, the same as schema.json (used when a caller builds a config without the loader). */
export function alertsDefaults(): AlertsConfig {
  return {
    enabled: true,
    pendingPolls: 3,
    resendInterval: 21600,
    maxAge: 86400,
    rules: {
      portDown: { enabled: true, ports: 'members' },
      memberCollapse: { enabled: true, ratio: 0.2, weeks: 4, minWeeks: 2, minBaselineMbps: 10 },
      exchangeCollapse: { enabled: true, ratio: 0.2, weeks: 4, minWeeks: 2, minBaselineMbps: 50 },
      utilisation: { enabled: true, threshold: 0.9, sustained: 900 },
      errors: { enabled: true, errorsPerSecond: 1, discardsPerSecond: 100 },
      unreachable: { enabled: true },
      forwardBacklog: { enabled: true, maxAge: 3600 },
      capacity: { enabled: true, threshold: 0.8, withinDays: 60 },
    },
    channels: { log: { enabled: true } },
  };
}
