// Every expected failure a command can answer with, in one place: tests and logs name them, handlers pick one.
export const refusalCodes = [
  'BadInput',
  'NotAllowed',
  'UnknownCommand',
  'UnknownButton',
  'NotMember',
  'NotCoordinator',
  'SlugTaken',
  'CommunityClosed',
  'CoreLimitReached',
  'NoChannel',
  'NoHomeChannel',
  'NotHomeChannel',
  'ChannelUnavailable',
  'ChannelTaken',
  'PlatformNotRunning',
  'PostFailed',
  'BankFull',
  'EventOver',
  'EventCancelled',
  'AlreadyCancelled',
  'IsQuestion',
  'NotAReply',
  'GoalClosed',
  'GoalMeasured',
] as const;

export type RefusalCode = (typeof refusalCodes)[number];
