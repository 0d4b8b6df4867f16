// Media types are part of the contract (the gateway checks uploads by magic bytes too).
export { detectMediaType, SUPPORTED_MEDIA_TYPES, type MediaType } from '@app/contracts/plain';
