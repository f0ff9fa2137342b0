export * from './templates';
export * from './series';
export * from './logs';
export * from './watch';
