// Imported first by main.ts: OpenTelemetry must patch modules before anything else loads them. The
// telemetry entry (`@app/platform/telemetry`, not the library's root) keeps every other module out of this early load.
import { startTelemetry } from '@app/platform/telemetry';

startTelemetry('scraper');
