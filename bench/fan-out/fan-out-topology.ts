import type { TopologyInstance } from '@regsync/local-stack/local-stack';

/**
 * Municipal instances the router is configured for beyond those of the local topology, so that `total` municipalities
 * are configured: well-formed AGS in the topology's Länder (Niedersachsen 03, Sachsen 14, alternately) that no real
 * municipality of the topology uses. They are routed to, never started: their delivery topics show what they would read.
 */
export function extraMunicipalities(topology: readonly Pick<TopologyInstance, 'app' | 'instanceKey'>[], total: number): Pick<TopologyInstance, 'app' | 'instanceKey'>[] {
  const configured = topology.filter((instance) => instance.app === 'municipal-register').map((instance) => instance.instanceKey);
  if (total < configured.length) throw new RangeError(`${total} municipalities: the local topology alone has ${configured.length}`);
  const lands = [...new Set(configured.map((ags) => ags.slice(0, 2)))].sort();
  return Array.from({ length: total - configured.length }, (_, index) => ({
    app: 'municipal-register' as const,
    // Regierungsbezirk 9, Kreis 99: not used by a municipality of the topology
    instanceKey: `${lands[index % lands.length]}999${String(index).padStart(3, '0')}`,
  }));
}
