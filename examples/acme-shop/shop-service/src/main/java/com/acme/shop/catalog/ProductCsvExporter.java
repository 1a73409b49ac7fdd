package com.acme.shop.catalog;

import java.util.List;

/**
 * Exports products as CSV for the marketplace feed.
 */
public final class ProductCsvExporter {

    static final String HEADER = "sku,name,category,price,currency,active";

    private ProductCsvExporter() {
    }

    /**
     * Quotes a CSV field when it contains separators, quotes or line breaks (RFC 4180).
     */
    static String escape(String field) {
        if (field == null) {
            return "";
        }
        boolean needsQuotes = field.contains(",") || field.contains("\"") || field.contains("\n");
        String escaped = field.replace("\"", "\"\"");
        return needsQuotes ? "\"" + escaped + "\"" : escaped;
    }

    public static String toCsv(List<Product> products) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Product p : products) {
            sb.append(escape(p.getSku())).append(',')
              .append(escape(p.getName())).append(',')
              .append(escape(p.getCategory())).append(',')
              .append(p.getPrice().toDecimal().toPlainString()).append(',')
              .append(p.getPrice().getCurrency()).append(',')
              .append(p.isActive()).append('\n');
        }
        return sb.toString();
    }
}
