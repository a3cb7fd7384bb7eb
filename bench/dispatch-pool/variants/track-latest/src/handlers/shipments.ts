import { sql } from 'drizzle-orm';
import { db } from '../db/client';
import { customers } from '../db/schema';
import * as shipmentsRepo from '../repositories/shipments.repository';
import * as trackingRepo from '../repositories/tracking.repository';
import { assignCourier } from '../services/assign';

// GET /track/:reference
export async function track(reference: string) {
  const shipment = await shipmentsRepo.byReference(reference);
  if (!shipment) return null;
  const history = await trackingRepo.history(shipment.id);
  // The latest scan for the header: the same helper the dashboard calls per shipment.
  const latest = await trackingRepo.latestFor(shipment.id);
  return { shipment, history, latest };
}

// POST /shipments/:id/assign
export async function assign(shipmentId: number, courierId: number) {
  return assignCourier(shipmentId, courierId);
}

// GET /ops/failed-scans
export async function failedScans(hours: number) {
  return trackingRepo.failedScans(new Date(Date.now() - hours * 3_600_000));
}

// GET /customers?tier=priority
export async function customersByTier(tier: 'standard' | 'priority') {
  return db
    .select({ id: customers.id, name: customers.name })
    .from(customers)
    .where(sql`(${customers.prefs}::jsonb ->> 'tier') = ${tier}`)
    .limit(100);
}
