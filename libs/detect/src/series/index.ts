// Filled in by the streaming-detector work.
export {};
