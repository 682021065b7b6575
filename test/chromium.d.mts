export const chromiumPath: string;
export const chromiumArgs: string[];
export function freePort(): Promise<number>;
