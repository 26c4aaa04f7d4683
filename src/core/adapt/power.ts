import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Whether the machine runs on battery, where the platform tells without extra tools: on Linux
 * from /sys/class/power_supply (a mains or USB supply that is online means plugged in; else a
 * discharging battery means battery). Anywhere else, or when nothing can be read, the answer
 * is false: Ondi then relies on its idle rule and CPU share alone.
 */
export async function onBatteryPower(
  platform: NodeJS.Platform = process.platform,
  supplyDir = '/sys/class/power_supply',
): Promise<boolean> {
  if (platform !== 'linux') return false;
  let names: string[];
  try {
    names = await fs.readdir(supplyDir);
  } catch {
    return false;
  }
  const read = async (name: string, field: string): Promise<string | undefined> => {
    try {
      return (await fs.readFile(path.join(supplyDir, name, field), 'utf8')).trim();
    } catch {
      return undefined;
    }
  };
  let externalOnline = false;
  let discharging = false;
  for (const name of names) {
    const type = await read(name, 'type');
    if (type === 'Battery') {
      const status = await read(name, 'status');
      if (status === 'Discharging') discharging = true;
    } else if (type === 'Mains' || type?.startsWith('USB')) {
      if ((await read(name, 'online')) === '1') externalOnline = true;
    }
  }
  return discharging && !externalOnline;
}
