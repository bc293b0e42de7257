import type { Services } from '../storage/services.js';
import { rsvpFields, upcomingEventsSection } from '../events/event-report.js';
import { promptResponseFields } from '../rhythms/prompt-report.js';
import { bridgeStatsFields } from '../networks/bridges.js';
import type { Field, Section } from '../kernel/reply.js';
import type { Community, Member } from '../storage/schema.js';
import { goalStatsFields, goalsDigestSection, goalsExport } from '../goals/goal-report.js';

export type DigestWindow = Readonly<{ from: number; to: number }>;

/** A part of the digest owned by another feature (e.g. upcoming events); undefined when it has nothing to say. */
export type DigestSectionProvider = (services: Services, community: Community, window: DigestWindow) => Promise<Section | undefined>;

/** Fields of /cop stats owned by another feature (e.g. prompt response rate, RSVPs). */
export type StatsFieldProvider = (services: Services, community: Community, now: number) => Promise<readonly Field[]>;

// Parts of the digest and of /cop stats that other features own, in the order they are shown.
export const digestSectionProviders: readonly DigestSectionProvider[] = [upcomingEventsSection, goalsDigestSection];
export const statsFieldProviders: readonly StatsFieldProvider[] = [
  promptResponseFields,
  rsvpFields,
  (services, community) => bridgeStatsFields(services, [community.id]),
  goalStatsFields,
];

/** Markdown helpers the export lends to the sections other features own: escaping, and names that respect privacy. */
export type MarkdownTools = Readonly<{
  inline(text: string): string;
  block(text: string, indent: string): string;
  name(member: Member | undefined): string;
  date(at: number): string;
}>;

/** Sections of the export owned by another feature (e.g. goals), as Markdown lines. */
export type ExportSectionProvider = (services: Services, community: Community, markdown: MarkdownTools) => Promise<readonly string[]>;

export const exportSectionProviders: readonly ExportSectionProvider[] = [goalsExport];
