import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertPortFree, findFreePort } from './free-port';
import { DEFAULT_JAEGER_PORTS, JaegerPorts, JaegerServer } from './jaeger-server';
import { clusterReplication, KafkaBroker } from './kafka-broker';
import { formattedClusterNodes, KafkaCluster, type KafkaNodePorts } from './kafka-cluster';
import { stackFolders } from './paths';
import { PostgresServer } from './postgres-server';

export interface LocalStackOptions {
  /** Root folder: `kafka/`, `postgres/` and `jaeger/` are created inside. */
  dataDir: string;
  /**
   * Kafka nodes (default 1). From 2 on, a KRaft cluster: node i (0-based) listens on kafkaPort + 2i
   * and kafkaControllerPort + 2i (free ports with `freePorts`), its data in `kafka/node-<i+1>/`.
   */
  kafkaBrokers?: number;
  kafkaPort?: number;
  kafkaControllerPort?: number;
  postgresPort?: number;
  /** Also run Jaeger (OTLP in, query API out). Default false. */
  jaeger?: boolean;
  /**
   * Let start() return once Kafka and PostgreSQL are up while Jaeger (built first when the cache has
   * no binary: minutes) comes up beside them; its ports are checked up front and its endpoints are
   * in the result at once. `jaegerStartup` tells when it is up (or why not).
   */
  jaegerInBackground?: boolean;
  jaegerPorts?: Partial<JaegerPorts>;
  /** PostgreSQL without fsync (tests only). */
  fast?: boolean;
  /**
   * Tests: every port not given explicitly is a free one. Otherwise (npm start) ports come from the
   * options, then the environment (KAFKA_PORT, ...), then the defaults (9092, 9093, 5433, 4317,
   * 4318, 16686, 16685), and a taken port is an error naming its variable.
   */
  freePorts?: boolean;
  /** Application database (default eventjobs). */
  database?: string;
  /** Progress messages. */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface LocalStackEndpoints {
  /** `127.0.0.1:<port>` of every Kafka node, comma-separated (KAFKA_BROKERS). */
  kafkaBrokers: string;
  /** How many Kafka nodes run. */
  kafkaBrokerCount: number;
  /** `postgres://postgres@127.0.0.1:<port>/eventjobs` (DATABASE_URL). */
  databaseUrl: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT), when Jaeger runs. */
  otlpEndpoint?: string;
  /** Jaeger query API base URL (JAEGER_QUERY_URL), when Jaeger runs. */
  jaegerQueryUrl?: string;
}

/** The environment variables services and tests read, for the given endpoints. */
export function stackEnvironment(endpoints: LocalStackEndpoints): Record<string, string> {
  const env: Record<string, string> = {
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    DATABASE_URL: endpoints.databaseUrl,
  };
  if (endpoints.otlpEndpoint) env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoints.otlpEndpoint;
  if (endpoints.jaegerQueryUrl) env.JAEGER_QUERY_URL = endpoints.jaegerQueryUrl;
  return env;
}

/**
 * Topic replication for a local cluster of `brokerCount` nodes (KAFKA_REPLICATION_FACTOR,
 * KAFKA_MIN_INSYNC_REPLICAS); empty for one broker, whose defaults are the services' own.
 */
export function kafkaTopicDefaults(brokerCount: number): Record<string, string> {
  if (brokerCount <= 1) return {};
  const { replicationFactor, minInsyncReplicas } = clusterReplication(brokerCount);
  return {
    KAFKA_REPLICATION_FACTOR: String(replicationFactor),
    KAFKA_MIN_INSYNC_REPLICAS: String(minInsyncReplicas),
  };
}

/**
 * A data folder keeps the Kafka it was first started with: its projections were folded from that
 * log, so starting another broker count there (another, empty cluster) would break them.
 */
function assertKafkaLayout(kafkaDir: string, brokers: number): void {
  const single = fs.existsSync(path.join(kafkaDir, 'logs', 'meta.properties'));
  const nodes = formattedClusterNodes(kafkaDir);
  // A cluster's nodes live in node-<id>/, one broker directly in kafka/.
  const existing = single ? 1 : nodes.length > 0 ? Math.max(...nodes) : undefined;
  const matches = existing === undefined || (single ? brokers === 1 : brokers > 1 && existing === brokers);
  if (!matches) {
    throw new Error(
      `the data folder's Kafka (${kafkaDir}) was created with ${existing} broker(s), not ${brokers}: ` +
        `start with --brokers ${existing}, or use another data folder (EVENT_JOBS_DATA_DIR)`,
    );
  }
}

/** How a background Jaeger start ended. */
export type JaegerStartup = { started: true } | { started: false; error: Error };

function failureMessages(results: readonly PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((result): string[] => {
    if (result.status === 'fulfilled') return [];
    const reason: unknown = result.reason;
    return [reason instanceof Error ? reason.message : String(reason)];
  });
}

interface PortSpec {
  option: number | undefined;
  envVar: string;
  defaultPort: number;
  what: string;
}

/** Kafka + PostgreSQL (+ Jaeger) for `npm start` and the test harness. */
export class LocalStack {
  private kafkaBroker: KafkaBroker | undefined;
  private kafkaClusterValue: KafkaCluster | undefined;
  private postgresServer: PostgresServer | undefined;
  private jaegerServer: JaegerServer | undefined;
  private jaegerStartupValue: Promise<JaegerStartup> | undefined;

  /** The broker, when one runs (the default). */
  get kafka(): KafkaBroker | undefined {
    return this.kafkaBroker;
  }

  /** The cluster, when `kafkaBrokers` is 2 or more. */
  get kafkaCluster(): KafkaCluster | undefined {
    return this.kafkaClusterValue;
  }

  get postgres(): PostgresServer | undefined {
    return this.postgresServer;
  }

  get jaeger(): JaegerServer | undefined {
    return this.jaegerServer;
  }

  /** With `jaegerInBackground`: settles once Jaeger answers or has failed to start (never rejects). */
  get jaegerStartup(): Promise<JaegerStartup> | undefined {
    return this.jaegerStartupValue;
  }

  async start(options: LocalStackOptions): Promise<LocalStackEndpoints> {
    if (this.kafkaBroker || this.kafkaClusterValue || this.postgresServer || this.jaegerServer)
      throw new Error('LocalStack already started');
    const brokers = options.kafkaBrokers ?? 1;
    if (!Number.isInteger(brokers) || brokers < 1)
      throw new Error(`kafkaBrokers ${brokers} is not 1 or more`);
    const env = options.env ?? process.env;
    const dataDir = path.resolve(options.dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    const taken = new Set<number>();
    const port = async (spec: PortSpec): Promise<number> => {
      let chosen: number;
      if (spec.option !== undefined) {
        chosen = spec.option;
      } else if (options.freePorts) {
        do chosen = await findFreePort();
        while (taken.has(chosen));
      } else {
        const fromEnv = env[spec.envVar];
        chosen = fromEnv ? Number(fromEnv) : spec.defaultPort;
        if (!Number.isInteger(chosen) || chosen <= 0 || chosen > 65_535) {
          throw new Error(`${spec.envVar}=${fromEnv ?? ''} is not a port number`);
        }
      }
      if (!options.freePorts || spec.option !== undefined)
        await assertPortFree(chosen, spec.what, spec.envVar);
      taken.add(chosen);
      return chosen;
    };

    const kafkaPort = await port({
      option: options.kafkaPort,
      envVar: 'KAFKA_PORT',
      defaultPort: 9092,
      what: 'Kafka',
    });
    const kafkaControllerPort = await port({
      option: options.kafkaControllerPort,
      envVar: 'KAFKA_CONTROLLER_PORT',
      defaultPort: 9093,
      what: 'Kafka controller',
    });
    const kafkaNodePorts: KafkaNodePorts[] = [{ port: kafkaPort, controllerPort: kafkaControllerPort }];
    // Further nodes: the next ports up, or free ones when the first node's were chosen freely.
    const nextPort = (first: number, given: number | undefined, node: number): number | undefined =>
      options.freePorts && given === undefined ? undefined : first + 2 * node;
    for (let node = 1; node < brokers; node += 1) {
      kafkaNodePorts.push({
        port: await port({
          option: nextPort(kafkaPort, options.kafkaPort, node),
          envVar: 'KAFKA_PORT',
          defaultPort: 9092,
          what: `Kafka node ${node + 1} (KAFKA_PORT + ${2 * node})`,
        }),
        controllerPort: await port({
          option: nextPort(kafkaControllerPort, options.kafkaControllerPort, node),
          envVar: 'KAFKA_CONTROLLER_PORT',
          defaultPort: 9093,
          what: `Kafka node ${node + 1} controller (KAFKA_CONTROLLER_PORT + ${2 * node})`,
        }),
      });
    }
    const postgresPort = await port({
      option: options.postgresPort,
      envVar: 'POSTGRES_PORT',
      defaultPort: 5433,
      what: 'PostgreSQL',
    });
    const jaegerPorts: JaegerPorts | undefined = options.jaeger
      ? {
          otlpGrpcPort: await port({
            option: options.jaegerPorts?.otlpGrpcPort,
            envVar: 'JAEGER_OTLP_GRPC_PORT',
            defaultPort: DEFAULT_JAEGER_PORTS.otlpGrpcPort,
            what: 'Jaeger OTLP gRPC',
          }),
          otlpHttpPort: await port({
            option: options.jaegerPorts?.otlpHttpPort,
            envVar: 'JAEGER_OTLP_HTTP_PORT',
            defaultPort: DEFAULT_JAEGER_PORTS.otlpHttpPort,
            what: 'Jaeger OTLP HTTP',
          }),
          queryPort: await port({
            option: options.jaegerPorts?.queryPort,
            envVar: 'JAEGER_QUERY_PORT',
            defaultPort: DEFAULT_JAEGER_PORTS.queryPort,
            what: 'Jaeger query',
          }),
          queryGrpcPort: await port({
            option: options.jaegerPorts?.queryGrpcPort,
            envVar: 'JAEGER_QUERY_GRPC_PORT',
            defaultPort: DEFAULT_JAEGER_PORTS.queryGrpcPort,
            what: 'Jaeger query gRPC',
          }),
        }
      : undefined;

    const folders = stackFolders(dataDir);
    assertKafkaLayout(folders.kafka, brokers);
    const kafka =
      brokers === 1
        ? new KafkaBroker({
            dataDir: folders.kafka,
            port: kafkaPort,
            controllerPort: kafkaControllerPort,
            log: options.log,
          })
        : new KafkaCluster({
            dataDir: folders.kafka,
            size: brokers,
            ports: kafkaNodePorts,
            log: options.log,
          });
    const postgres = new PostgresServer({
      dataDir: folders.postgresData,
      port: postgresPort,
      fast: options.fast,
      database: options.database,
      log: options.log,
    });
    const jaeger = jaegerPorts
      ? new JaegerServer({ dataDir: folders.jaeger, ...jaegerPorts, log: options.log })
      : undefined;
    if (kafka instanceof KafkaBroker) this.kafkaBroker = kafka;
    else this.kafkaClusterValue = kafka;
    this.postgresServer = postgres;
    this.jaegerServer = jaeger;

    const jaegerStart = jaeger?.start();
    if (jaegerStart && options.jaegerInBackground) {
      this.jaegerStartupValue = jaegerStart.then(
        (): JaegerStartup => ({ started: true }),
        (error: unknown): JaegerStartup => ({
          started: false,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
      );
    }
    const foreground = options.jaegerInBackground ? [] : [jaegerStart];
    const results = await Promise.allSettled([kafka.start(), postgres.start(), ...foreground]);
    const failures = failureMessages(results);
    if (failures.length > 0) {
      await this.stop().catch(() => undefined);
      throw new Error(`local stack failed to start:\n${failures.join('\n\n')}`);
    }
    return this.endpoints();
  }

  endpoints(): LocalStackEndpoints {
    const kafka = this.kafkaBroker ?? this.kafkaClusterValue;
    if (!kafka || !this.postgresServer) throw new Error('LocalStack is not started');
    return {
      kafkaBrokers: kafka.bootstrapServers,
      kafkaBrokerCount: this.kafkaClusterValue?.nodes.length ?? 1,
      databaseUrl: this.postgresServer.url,
      ...(this.jaegerServer
        ? { otlpEndpoint: this.jaegerServer.otlpHttpEndpoint, jaegerQueryUrl: this.jaegerServer.queryUrl }
        : {}),
    };
  }

  /** Stops everything that was started (in parallel); safe to call twice. */
  async stop(): Promise<void> {
    const kafka = this.kafkaBroker ?? this.kafkaClusterValue;
    const postgres = this.postgresServer;
    const jaeger = this.jaegerServer;
    this.kafkaBroker = undefined;
    this.kafkaClusterValue = undefined;
    this.postgresServer = undefined;
    this.jaegerServer = undefined;
    this.jaegerStartupValue = undefined;
    const results = await Promise.allSettled([kafka?.stop(), postgres?.stop(), jaeger?.stop()]);
    const failures = failureMessages(results);
    if (failures.length > 0) {
      throw new Error(`local stack did not stop cleanly:\n${failures.join('\n')}`);
    }
  }
}
