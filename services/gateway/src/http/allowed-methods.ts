import type { Application } from 'express';

interface RouteLayer {
  route?: { methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}

/**
 * The methods the app's routes answer on a path, for `405 Method Not Allowed` + `Allow` when a known
 * path is asked with another method. Read from Express's router, where Nest and SwaggerModule register
 * every route (the API, /health/*, /metrics, /docs); consulted only for requests no route matched, so
 * it costs the routed requests nothing.
 */
export class AllowedMethods {
  constructor(private readonly app: Application) {}

  /** `['GET', 'HEAD']`, ...; empty when no route has this path. */
  of(path: string): string[] {
    const methods = new Set<string>();
    for (const layer of this.routeLayers()) {
      if (!layer.route || !layer.match(path)) continue;
      for (const [method, enabled] of Object.entries(layer.route.methods)) {
        if (enabled && method !== '_all') methods.add(method.toUpperCase());
      }
    }
    // Express answers HEAD with the GET route.
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods];
  }

  private routeLayers(): RouteLayer[] {
    const router = (this.app as unknown as { router?: { stack?: RouteLayer[] } }).router;
    return router?.stack ?? [];
  }
}
