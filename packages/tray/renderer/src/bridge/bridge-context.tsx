import { createContext, type ReactNode, useContext } from 'react';
import type { RendererBridge } from './bridge-types';

const BridgeContext = createContext<RendererBridge | null>(null);

/** Components reach the bridge through context, so tests can hand them a fake one. */
export function BridgeProvider({ bridge, children }: { bridge: RendererBridge; children: ReactNode }) {
  return <BridgeContext value={bridge}>{children}</BridgeContext>;
}

export function useBridge(): RendererBridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge() needs a BridgeProvider above it');
  return bridge;
}
