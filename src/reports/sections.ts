import type { Services } from '../storage/services.js';
import { rsvpFields, upcomingEventsSection } from '../events/event-report.js';
import { promptResponseFields } from '../rhythms/prompt-report.js';
import { pairingDigestSection, pairingExportLines, pairingStatsFields } from '../pairing/report.js';
import type { Field, Section } from '../kernel/reply.js';
import type { Community } from '../storage/schema.js';

export type DigestWindow = Readonly<{ from: number; to: number }>;

/** A part of the digest owned by another feature (e.g. upcoming events); undefined when it has nothing to say. */
export type DigestSectionProvider = (services: Services, community: Community, window: DigestWindow) => Promise<Section | undefined>;

/** Fields of /cop stats owned by another feature (e.g. prompt response rate, RSVPs). */
export type StatsFieldProvider = (services: Services, community: Community, now: number) => Promise<readonly Field[]>;

// Parts of the digest and of /cop stats that other features own, in the order they are shown.
export const digestSectionProviders: readonly DigestSectionProvider[] = [upcomingEventsSection, pairingDigestSection];
export const statsFieldProviders: readonly StatsFieldProvider[] = [promptResponseFields, rsvpFields, pairingStatsFields];

/** Parts of /cop export that other features own, as Markdown lines (headings at level 2). */
export type ExportSectionProvider = (services: Services, community: Community) => Promise<readonly string[]>;
export const exportSectionProviders: readonly ExportSectionProvider[] = [pairingExportLines];
