export const chromiumPath: string;
export const chromiumArgs: string[];
export function freePort(): Promise<number>;
export function launchBench(): Promise<{ port: number; server: import('node:http').Server; browser: import('@playwright/test').Browser }>;
