package com.acme.shop.common;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * Turns product names into URL slugs, e.g. "Crème Brûlée Torch (Pro)" -> "creme-brulee-torch-pro".
 */
public final class Slugifier {

    private Slugifier() {
    }

    public static String slugify(String input) {
        String ascii = Normalizer.normalize(input, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-+|-+$)", "");
        if (slug.isEmpty()) {
            throw new IllegalArgumentException("Input produces an empty slug: " + input);
        }
        return slug.length() > 80 ? slug.substring(0, 80).replaceAll("-+$", "") : slug;
    }

    /**
     * Makes a slug unique among existing ones by appending -2, -3, ... as needed.
     */
    public static String uniqueSlug(String input, Set<String> existing) {
        String base = slugify(input);
        String candidate = base;
        int suffix = 2;
        while (existing.contains(candidate)) {
            candidate = base + "-" + suffix;
            suffix++;
        }
        return candidate;
    }
}
