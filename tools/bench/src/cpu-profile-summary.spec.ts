import { summarizeProfile, type CpuProfile } from './cpu-profile-summary';

const frame = (id: number, functionName: string, url: string): CpuProfile['nodes'][number] => ({
  id,
  callFrame: { functionName, url, lineNumber: 9 },
});

describe('summarizeProfile', () => {
  it('sums self time per function and group, leaving idle time out', () => {
    const profile: CpuProfile = {
      nodes: [
        frame(1, '(idle)', ''),
        frame(2, 'send', 'file:///app/node_modules/kafkajs/src/producer/index.js'),
        frame(3, 'json', 'file:///app/node_modules/express/lib/response.js'),
        frame(4, 'execute', 'file:///app/dist/services/gateway/src/jobs/submit.js'),
        frame(5, '(garbage collector)', ''),
      ],
      samples: [1, 2, 3, 3, 4, 5, 1],
      timeDeltas: [500, 100, 100, 100, 50, 150, 500],
    };
    const summary = summarizeProfile(profile);
    expect(summary.busyMicros).toBe(500);
    expect(summary.groups).toEqual({
      'Nest / Express': 40,
      GC: 30,
      'Kafka client (kafkajs)': 20,
      'app code (libs, services)': 10,
    });
    expect(summary.topFunctions[0]).toEqual({
      name: 'json express/lib/response.js:10',
      group: 'Nest / Express',
      percent: 40,
    });
  });
});
