import { SetMetadata } from '@nestjs/common';

/** Metadata key read by the gateway's API-key guard. */
export const PUBLIC_ROUTE = 'event-jobs:public-route';

/**
 * Marks a handler or controller as served without an API key (health, metrics). Every other route of
 * the gateway needs one: the guard denies a route that states nothing.
 */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
