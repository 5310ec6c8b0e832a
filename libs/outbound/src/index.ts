export { guildWebhookSecret } from './guildSecret.ts';
export { AllowList, refusedAddressReason } from './screenAddress.ts';
export {
  displayOrigin,
  isUnsafeUrl,
  type OutboundPolicy,
  outboundEnvShape,
  outboundPolicy,
  screenedLookup,
  screenUrl,
  screenUrlNow,
  UnsafeUrlError,
  WEBHOOK_URL_MAX_LENGTH,
} from './screenUrl.ts';
