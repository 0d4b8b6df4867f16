// Imported first by main.ts: OpenTelemetry must patch modules before anything else loads them. The
// deep import (not the library's root entry) keeps every other module out of this early load.
import { startTelemetry } from '../../../libs/platform/src/telemetry/start-telemetry';

startTelemetry('documents');
