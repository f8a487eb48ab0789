import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Warehouse } from './api.ts';

/** The warehouse chosen in the top bar, and the route's parameters (#/orders/12 -> ['12']). */
export const WarehouseContext = createContext<{
  warehouses: Warehouse[];
  idwarehouse: number | undefined;
  params: string[];
}>({ warehouses: [], idwarehouse: undefined, params: [] });

export const useWarehouse = () => useContext(WarehouseContext);
