import type { Command } from './command';

// Placeholder until the streaming detectors land.
export const detectCommand: Command = {
  name: 'detect',
  summary: 'score every timestamp,value CSV under a folder with the streaming detectors',
  usage: 'vigil detect --in DIR --out DIR',
  async run({ stderr }) {
    stderr('vigil detect: not built yet');
    return 1;
  },
};
