package com.acme.shop.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SlugifierTest {

    @Test
    void slugify_stripsAccentsAndPunctuation() {
        assertEquals("creme-brulee-torch-pro", Slugifier.slugify("Crème Brûlée Torch (Pro)"));
    }

    @Test
    void uniqueSlug_appendsNextFreeSuffix() {
        String slug = Slugifier.uniqueSlug("Desk Lamp", Set.of("desk-lamp", "desk-lamp-2"));

        assertEquals("desk-lamp-3", slug);
    }
}
