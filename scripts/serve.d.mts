import type { Server } from 'node:http';
/** The demo server (not yet listening). */
export const server: Server;
export const TILES: number;
export function tileSvg(x: number, y: number): string;
