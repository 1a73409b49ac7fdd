package com.acme.shop.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProductCsvExporterTest {

    @Test
    void escape_quotesFieldsWithCommasAndQuotes() {
        assertEquals("\"Lamp, \"\"Nordic\"\" edition\"", ProductCsvExporter.escape("Lamp, \"Nordic\" edition"));
        assertEquals("plain", ProductCsvExporter.escape("plain"));
    }
}
