export type OrderStatus = "PLACED" | "PAID" | "SHIPPED" | "DELIVERED" | "CANCELLED";

export interface OrderLine {
  sku: string;
  productName: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Order {
  id: number;
  customerId: number;
  status: OrderStatus;
  currency: string;
  lines: OrderLine[];
  totalCents: number;
  placedAt: string;
  trackingNumber?: string;
}

export interface LineRequest {
  sku: string;
  quantity: number;
}

export interface PlaceOrderRequest {
  customerId: number;
  currency: string;
  lines: LineRequest[];
}

/** An error answer of the shop API, with its HTTP status and the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Client of the shop-service orders API (`/api/orders`): place, read, change and cancel orders.
 */
export class OrdersClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: Fetch = fetch,
  ) {}

  /** Reads one order; a missing order is an ApiError with status 404. */
  async getOrder(id: number): Promise<Order> {
    return this.request<Order>("GET", `/api/orders/${id}`);
  }

  /** The customer's orders, newest first. */
  async ordersForCustomer(customerId: number): Promise<Order[]> {
    return this.request<Order[]>("GET", `/api/orders?customerId=${encodeURIComponent(customerId)}`);
  }

  /**
   * Places an order. Lines with the same SKU are merged before sending, and an order without
   * lines is refused here rather than by the server.
   */
  async placeOrder(request: PlaceOrderRequest): Promise<Order> {
    const merged = new Map<string, number>();
    for (const line of request.lines) {
      if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
        throw new RangeError(`quantity of ${line.sku} must be a positive integer`);
      }
      merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
    }
    if (merged.size === 0) {
      throw new RangeError("an order needs at least one line");
    }
    const lines = [...merged].map(([sku, quantity]) => ({ sku, quantity }));
    return this.request<Order>("POST", "/api/orders", { ...request, lines });
  }

  async changeQuantity(orderId: number, sku: string, quantity: number): Promise<Order> {
    return this.request<Order>("PUT", `/api/orders/${orderId}/lines/${encodeURIComponent(sku)}`, { quantity });
  }

  /** Cancels an order that has not shipped yet; the reason is shown to customer service. */
  async cancelOrder(id: number, reason = "Cancelled by customer"): Promise<Order> {
    return this.request<Order>("DELETE", `/api/orders/${id}?reason=${encodeURIComponent(reason)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.fetchFn(this.baseUrl + path, {
      method,
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const text = await response.text();
      throw new ApiError(response.status, text || response.statusText);
    }
    return (await response.json()) as T;
  }
}

/** Formats cents as a price with two decimals and the currency code: `formatTotal(1999, "EUR")` is "19.99 EUR". */
export function formatTotal(cents: number, currency: string): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")} ${currency}`;
}
