import { ApiError, OrdersClient, formatTotal } from "./ordersClient";

const BASE = "https://shop.test";

function answer(status: number, body: unknown): Response {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: "",
    json: async () => JSON.parse(text),
    text: async () => text,
  } as Response;
}

function clientAnswering(status: number, body: unknown) {
  const fetchFn = jest.fn().mockResolvedValue(answer(status, body));
  return { client: new OrdersClient(BASE, fetchFn), fetchFn };
}

const order = { id: 42, customerId: 7, status: "PLACED", currency: "EUR", lines: [], totalCents: 0, placedAt: "2024-03-01T10:00:00Z" };

describe("OrdersClient", () => {
  describe("getOrder", () => {
    it("reads the order by id", async () => {
      const { client, fetchFn } = clientAnswering(200, order);
      await expect(client.getOrder(42)).resolves.toEqual(order);
      expect(fetchFn).toHaveBeenCalledWith(`${BASE}/api/orders/42`, expect.objectContaining({ method: "GET" }));
    });

    it("turns a 404 into an ApiError", async () => {
      const { client } = clientAnswering(404, "Order 42 not found");
      await expect(client.getOrder(42)).rejects.toEqual(new ApiError(404, "Order 42 not found"));
    });
  });

  describe("placeOrder", () => {
    it("merges lines with the same SKU before sending", async () => {
      const { client, fetchFn } = clientAnswering(201, order);
      await client.placeOrder({
        customerId: 7,
        currency: "EUR",
        lines: [
          { sku: "GAR-0001234", quantity: 1 },
          { sku: "GAR-0001234", quantity: 2 },
        ],
      });
      const sent = JSON.parse(fetchFn.mock.calls[0][1].body);
      expect(sent.lines).toEqual([{ sku: "GAR-0001234", quantity: 3 }]);
    });

    it("refuses an order without lines", async () => {
      const { client, fetchFn } = clientAnswering(201, order);
      await expect(client.placeOrder({ customerId: 7, currency: "EUR", lines: [] })).rejects.toThrow(RangeError);
      expect(fetchFn).not.toHaveBeenCalled();
    });

    it("refuses a fractional quantity", async () => {
      const { client } = clientAnswering(201, order);
      const lines = [{ sku: "GAR-0001234", quantity: 1.5 }];
      await expect(client.placeOrder({ customerId: 7, currency: "EUR", lines })).rejects.toThrow("positive integer");
    });
  });

  describe("cancelOrder", () => {
    it("sends the default reason", async () => {
      const { client, fetchFn } = clientAnswering(200, { ...order, status: "CANCELLED" });
      await client.cancelOrder(42);
      expect(fetchFn.mock.calls[0][0]).toBe(`${BASE}/api/orders/42?reason=Cancelled%20by%20customer`);
    });

    it("reports a shipped order as a conflict", async () => {
      const { client } = clientAnswering(409, "Order 42 has already shipped");
      await expect(client.cancelOrder(42, "Changed my mind")).rejects.toMatchObject({ status: 409 });
    });
  });

  describe("changeQuantity", () => {
    it("encodes the SKU in the path", async () => {
      const { client, fetchFn } = clientAnswering(200, order);
      await client.changeQuantity(42, "GAR/12", 2);
      expect(fetchFn.mock.calls[0][0]).toBe(`${BASE}/api/orders/42/lines/GAR%2F12`);
      expect(JSON.parse(fetchFn.mock.calls[0][1].body)).toEqual({ quantity: 2 });
    });
  });
});

describe("formatTotal", () => {
  it("pads cents to two digits", () => {
    expect(formatTotal(1905, "EUR")).toBe("19.05 EUR");
  });

  it("keeps the sign of a refund", () => {
    expect(formatTotal(-250, "GBP")).toBe("-2.50 GBP");
  });
});
