export const root: string;
export interface Packed { tarball: string; size: number; unpackedSize: number; files: string[] }
export function pack(into: string): Promise<Packed>;
export function install(name: string, tarball: string, into: string): Promise<string>;
export function script(dir: string, name: string): Promise<string>;
export function typecheck(dir: string, tsconfig: string): Promise<string>;
export function prepareAll(): Promise<{ base: string; packed: Packed; vite: string; webpack: string; ts: string; cleanup(): void }>;
