import { captureHarvest } from '../harvest/capture.js';
import type { InboundListener } from '../storage/services.js';
import { recordPromptReply } from '../rhythms/prompt-replies.js';
import { followEventInterest } from '../events/event-mirrors.js';

// Every part of the core that follows conversations in home channels, in the order they hear each event.
export const inboundListeners: readonly InboundListener[] = [recordPromptReply, captureHarvest, followEventInterest];
